#!/usr/bin/env node
// The forklore command: bundles sim/cli.ts with esbuild on the fly (TypeScript in, one ES module out),
// imports it and runs it. Needs Node 22.12 or later (npx runs the project's pinned Node 24).
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the project, so that the bundle's bare imports (esbuild) resolve from its node_modules.
const cacheDir = join(root, 'node_modules', '.cache', 'forklore');
mkdirSync(cacheDir, { recursive: true });
const outfile = join(cacheDir, `cli-${process.pid}-${Date.now()}.mjs`);

let cli;
try {
  await build({
    entryPoints: [join(root, 'sim', 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    // The bundle lives in a cache directory, but the modules in it find their neighbours (the program
    // library that 'forklore' imports resolve to) relative to sim/, where they were written.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(root, 'sim', 'cli.ts')).href) },
    logLevel: 'silent',
  });
  cli = await import(pathToFileURL(outfile).href);
} catch (e) {
  console.error(`forklore: could not build the command line tool: ${e instanceof Error ? e.message : e}`);
  process.exit(2);
} finally {
  rmSync(outfile, { force: true });
}

const status = await cli.main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
});
process.exitCode = status;
