// `npm run bench`: the site's size and quality report, then the simulator's benchmark when it exists,
// then the reality twin's table (every C example on real Linux beside the simulator's verdict).
//
// The simulator benchmark is TypeScript; it is bundled with esbuild into bench/out/ (beside the
// repository's node_modules, so its package imports resolve; 'forklore' maps to sim/api/index.ts)
// and run with the current Node, so no TypeScript runner is needed. Extra arguments go to the site
// report (e.g. --no-lighthouse).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
let failed = false;

function run(label, file, args = []) {
  console.log(`\n=== ${label} ===\n`);
  const result = spawnSync(process.execPath, [file, ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${label} exited with ${result.status ?? result.signal}`);
    failed = true;
  }
}

run('site report', join(ROOT, 'bench', 'site-report.mjs'), process.argv.slice(2));
run('playground report', join(ROOT, 'bench', 'playground-report.mjs'));

/** Bundles bench/NAME.ts into bench/out/NAME.mjs and runs it. */
async function runTs(label, name) {
  const { build } = await import('esbuild');
  const outDir = join(ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'bench', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    alias: { forklore: join(ROOT, 'sim', 'api', 'index.ts') },
    logLevel: 'warning',
  });
  run(label, outfile);
}

const simBench = join(ROOT, 'bench', 'sim-bench.ts');
if (existsSync(simBench)) {
  await runTs('simulator benchmark', 'sim-bench');
} else {
  console.log('\n(bench/sim-bench.ts does not exist yet: no simulator benchmark to run)');
}

// Cost per search step (DPOR on tst-fork1-r815-3, exact futex protocol), cold and warm, in a process of its own;
// then the peak memory of the biggest examples' full searches, each in a process of its own.
await runTs('cost per search step', 'sim-bench-steps');

// The C front end: parse + translate time, first-edit download size, C vs TypeScript check times.
await runTs('C front end', 'c-bench');

// Fork Lore against SPIN, whole process, on the scenarios modelled in bench/spin/ (when spin is installed).
run('SPIN comparison', join(ROOT, 'bench', 'spin-bench.mjs'));

// Many files in one command: files per second on the examples (issue 13 item 7).
run('many files in one command', join(ROOT, 'bench', 'batch-bench.mjs'));

// Every C example on this machine's Linux beside the simulator's verdict (needs gcc).
await runTs('reality twin', 'reality-bench');

process.exitCode = failed ? 1 : 0;
