// `npm test`: the suite's steps, each step's time and the total printed at the end. typecheck (astro
// sync, then tsc) and format:check each keep one core busy, so they run side by side, their output
// printed step by step as each ends; lint comes after, since its type-aware rules read the types astro
// sync writes; then the unit tests, the build and the browser tests, one after another.
import { spawn } from 'node:child_process';

const STAGES = [['typecheck', 'format:check'], ['lint'], ['test:unit'], ['build'], ['test:e2e']];
const npm = process.env.npm_execpath;
const times = new Map();
const start = performance.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function summary(failed) {
  console.log('\nnpm test:');
  for (const [step, ms] of times) console.log(`  ${step.padEnd(12)} ${seconds(ms).padStart(8)}`);
  console.log(`  ${'total'.padEnd(12)} ${seconds(performance.now() - start).padStart(8)}`);
  if (failed.length) console.log(`\nnpm test failed at step ${failed.map((s) => `'${s}'`).join(', ')}.`);
}

/** Runs `npm run step`; alone, its output goes straight to the terminal, else it is printed when it ends. */
function run(step, alone) {
  const t0 = performance.now();
  times.set(step, 0);
  // npm_execpath is npm's own script when run by `npm test`; otherwise the npm on PATH.
  const [cmd, args, shell] = npm
    ? [process.execPath, [npm, 'run', step], false]
    : ['npm', ['run', step], process.platform === 'win32'];
  const child = spawn(cmd, args, { stdio: alone ? 'inherit' : ['ignore', 'pipe', 'pipe'], shell });
  const output = [];
  child.stdout?.on('data', (d) => output.push(d));
  child.stderr?.on('data', (d) => output.push(d));
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      times.set(step, performance.now() - t0);
      if (output.length) process.stdout.write(Buffer.concat(output));
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

for (const stage of STAGES) {
  const codes = await Promise.all(stage.map((step) => run(step, stage.length === 1)));
  const failed = stage.filter((_, i) => codes[i] !== 0);
  if (failed.length) {
    summary(failed);
    process.exit(codes.find((c) => c !== 0));
  }
}
summary([]);
