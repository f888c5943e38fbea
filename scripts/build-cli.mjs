// Builds the forklore command once, into build/cli/ (run by `npm ci`/`npm install` through the
// `prepare` script, by `npm run build:cli`, and by bin/forklore.mjs when a source file is newer than
// the build). Three files:
//   forklore.mjs  the command (sim/cli.ts): arguments, reading and compiling files, printing reports
//   worker.mjs    the worker thread that holds a sandbox under a time and memory limit (sim/node/worker.ts)
//   c.mjs         the C front end (sim/c/index.ts, or sim/node/no-c.ts when there is none), loaded
//                 by the worker for .c files only
//   sandbox.js    the program library and the sandbox's entry, one script evaluated inside QuickJS
//                 (sim/node/sandbox-entry.ts); its completion value is { load, call }
// and inputs.json, the source files they were built from (to tell when the build is stale).
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = join(ROOT, 'build', 'cli');
const STAMP = join(BUILD_DIR, 'inputs.json');
const C_ENTRY = join(ROOT, 'sim', 'c', 'index.ts');
const NO_C = join(ROOT, 'sim', 'node', 'no-c.ts');

/** True when build/cli exists and no file it was built from changed since (nor sim/c appeared). */
export function cliIsFresh() {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  if (stamp.c !== existsSync(C_ENTRY)) return false;
  for (const f of stamp.inputs) {
    try {
      if (statSync(join(ROOT, f)).mtimeMs > stamp.builtAt) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * 'forklore:c' is its own file, c.mjs, loaded by the worker only for a C program (so that checking
 * TypeScript neither needs nor loads the C parser): sim/c/index.ts when it exists, else a stub that
 * says C is not in this build.
 */
const cExternal = {
  name: 'forklore-c',
  setup(build) {
    build.onResolve({ filter: /^forklore:c$/ }, () => ({ path: './c.mjs', external: true }));
  },
};

export async function buildCli() {
  const { build } = await import('esbuild');
  mkdirSync(BUILD_DIR, { recursive: true });
  const builtAt = Date.now();
  const common = { bundle: true, write: false, metafile: true, logLevel: 'silent', legalComments: 'none' };
  const node = { ...common, platform: 'node', format: 'esm', target: 'node22', packages: 'external' };
  const [cli, worker, c, sandbox] = await Promise.all([
    build({ ...node, entryPoints: [join(ROOT, 'sim', 'cli.ts')] }),
    build({ ...node, entryPoints: [join(ROOT, 'sim', 'node', 'worker.ts')], plugins: [cExternal] }),
    build({ ...node, entryPoints: [existsSync(C_ENTRY) ? C_ENTRY : NO_C] }),
    build({
      ...common,
      entryPoints: [join(ROOT, 'sim', 'node', 'sandbox-entry.ts')],
      platform: 'neutral',
      format: 'cjs',
      target: 'es2022',
    }),
  ]);
  const sandboxScript =
    '(function () {\n"use strict";\nvar module = { exports: {} }, exports = module.exports;\n' +
    sandbox.outputFiles[0].text +
    '\nreturn module.exports.default;\n})()\n';
  const inputs = new Set(['scripts/build-cli.mjs', 'package.json']);
  for (const r of [cli, worker, c, sandbox])
    for (const f of Object.keys(r.metafile.inputs))
      if (!f.includes('node_modules')) inputs.add(relative(ROOT, join(process.cwd(), f)));
  const files = [
    ['forklore.mjs', cli.outputFiles[0].text],
    ['worker.mjs', worker.outputFiles[0].text],
    ['c.mjs', c.outputFiles[0].text],
    ['sandbox.js', sandboxScript],
    ['inputs.json', JSON.stringify({ builtAt, c: existsSync(C_ENTRY), inputs: [...inputs].sort() }, null, 1)],
  ];
  // Each file replaced atomically, so a command starting meanwhile reads the old or the new one.
  for (const [name, text] of files) {
    const tmp = join(BUILD_DIR, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(BUILD_DIR, name));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await buildCli();
  } catch (e) {
    console.error(`forklore: could not build the command line tool: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
