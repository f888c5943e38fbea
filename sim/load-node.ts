// Loads a program file in Node: bundles it with esbuild ('forklore' resolves to the program library),
// imports the bundle and returns a Program, or the first syntax error with its position. The program
// runs in this process with its rights: for the project's own files only (tests, the bench). The
// forklore command checks files in a sandbox instead (sim/node/check.ts).
import { build, type Message } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Expected, Program, ProgramOptions } from './types.ts';

/** Where a program failed to compile. */
export interface LoadError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export type LoadResult = { ok: true; program: Program } | { ok: false; error: LoadError };

const API = fileURLToPath(new URL('./api/index.ts', import.meta.url));

function toLoadError(file: string, m: Message): LoadError {
  return {
    file: m.location?.file ? resolve(m.location.file) : file,
    line: m.location?.line ?? 1,
    column: (m.location?.column ?? 0) + 1,
    message: m.text,
  };
}

/** Bundles `path` into one ES module text (with an inline source map so stack lines name the source). */
export async function bundleProgram(path: string): Promise<{ code: string } | { error: LoadError }> {
  const file = resolve(path);
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      sourcemap: 'inline',
      logLevel: 'silent',
      alias: { forklore: API },
    });
    return { code: out.outputFiles[0]!.text };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors && errors.length > 0) return { error: toLoadError(file, errors[0]!) };
    return { error: { file, line: 1, column: 1, message: e instanceof Error ? e.message : String(e) } };
  }
}

/** Loads a program file: compile errors come back as values, never thrown. */
export async function loadProgram(path: string): Promise<LoadResult> {
  const file = resolve(path);
  const bundled = await bundleProgram(file);
  if ('error' in bundled) return { ok: false, error: bundled.error };
  const dir = mkdtempSync(join(tmpdir(), 'forklore-'));
  const out = join(dir, basename(file).replace(/\.[cm]?[jt]s$/, '') + '.mjs');
  writeFileSync(out, bundled.code);
  process.setSourceMapsEnabled?.(true);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const m = /:(\d+):(\d+)/.exec(err.stack?.split('\n').find((l) => l.includes(basename(file))) ?? '');
    return {
      ok: false,
      error: { file, line: m ? Number(m[1]) : 1, column: m ? Number(m[2]) : 1, message: err.message },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const main = mod.default;
  if (typeof main !== 'function') {
    return {
      ok: false,
      error: {
        file,
        line: 1,
        column: 1,
        message: 'the program has no default export: export default function* main() { ... }',
      },
    };
  }
  const program: Program = {
    main: main as Program['main'],
    options: (mod.options as ProgramOptions | undefined) ?? {},
    name: basename(file).replace(/\.[cm]?[jt]s$/, ''),
  };
  if (mod.expected) program.expected = mod.expected as Expected;
  return { ok: true, program };
}
