// `npm test`: the suite's steps in order, each step's time and the total printed at the end.
import { spawnSync } from 'node:child_process';

const STEPS = ['typecheck', 'lint', 'format:check', 'test:unit', 'build', 'test:e2e'];
const npm = process.env.npm_execpath;
const times = [];
const start = performance.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function summary(failed) {
  console.log('\nnpm test:');
  for (const [step, ms] of times) console.log(`  ${step.padEnd(12)} ${seconds(ms).padStart(8)}`);
  console.log(`  ${'total'.padEnd(12)} ${seconds(performance.now() - start).padStart(8)}`);
  if (failed) console.log(`\nnpm test failed at step '${failed}'.`);
}

for (const step of STEPS) {
  const t0 = performance.now();
  // npm_execpath is npm's own script when run by `npm test`; otherwise the npm on PATH.
  const r = npm
    ? spawnSync(process.execPath, [npm, 'run', step], { stdio: 'inherit' })
    : spawnSync('npm', ['run', step], { stdio: 'inherit', shell: process.platform === 'win32' });
  times.push([step, performance.now() - t0]);
  if (r.status !== 0) {
    summary(step);
    process.exit(r.status ?? 1);
  }
}
summary(null);
