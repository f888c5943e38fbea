#!/usr/bin/env node
// Bundles tests/reality/reproduce-main.ts with esbuild (as bench/run.mjs does for the benches) and
// runs it with the same arguments. See tests/reality/README.md.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const outDir = join(ROOT, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, 'reproduce-main.mjs');
await build({
  entryPoints: [join(ROOT, 'tests', 'reality', 'reproduce-main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  alias: { forklore: join(ROOT, 'sim', 'api', 'index.ts') },
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);
