// `npm run bench`, Fork Lore against SPIN on the same scenarios (issue 13 item 1), whole process: the
// command the README gives (`npx forklore check FILE`) against `spin -a` + `gcc -O2` + `./pan` on a
// Promela model of the same program (bench/spin/*.pml). Runs only when `spin` is installed (Debian's
// package: apt-get install -y spin). Prints each scenario's times (median of 3) and the ratio.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCENARIOS = [
  {
    name: 'lock-order inversion',
    pml: 'lock-order.pml',
    file: 'content/examples/compose-lock-order-buggy.ts',
    cflags: [],
  },
  {
    name: 'lock held at fork',
    pml: 'held-lock.pml',
    file: 'content/examples/intro-held-lock.ts',
    cflags: ['-DNOREDUCE'],
  },
];
const RUNS = 3;

if (spawnSync('spin', ['-V'], { encoding: 'utf8' }).status !== 0) {
  console.log('spin is not installed (apt-get install -y spin): no SPIN comparison');
  process.exit(0);
}
console.log(spawnSync('spin', ['-V'], { encoding: 'utf8' }).stdout.trim());

const time = (fn) => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const must = (r, what) => {
  if (r.error || (r.status !== 0 && what !== 'pan')) throw new Error(`${what} failed: ${r.error ?? r.stderr}`);
  return r;
};
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`\n${'scenario'.padEnd(24)}  ${'forklore'.padStart(9)}  ${'spin+gcc+pan'.padStart(12)}  ratio  verdicts`);
for (const s of SCENARIOS) {
  const dir = mkdtempSync(join(tmpdir(), 'forklore-spin-'));
  try {
    copyFileSync(join(ROOT, 'bench', 'spin', s.pml), join(dir, s.pml));
    const fl = [];
    const sp = [];
    let flOut = '';
    let panOut = '';
    for (let i = 0; i < RUNS; i++) {
      fl.push(
        time(() => {
          const r = spawnSync('npx', ['forklore', 'check', s.file], { cwd: ROOT, encoding: 'utf8' });
          flOut = r.stdout.split('\n')[0];
        }),
      );
      sp.push(
        time(() => {
          must(spawnSync('spin', ['-a', s.pml], { cwd: dir, encoding: 'utf8' }), 'spin -a');
          must(spawnSync('gcc', ['-O2', ...s.cflags, '-o', 'pan', 'pan.c'], { cwd: dir, encoding: 'utf8' }), 'gcc');
          const r = must(spawnSync('./pan', [], { cwd: dir, encoding: 'utf8' }), 'pan');
          panOut = /errors: \d+/.exec(r.stdout)?.[0] ?? '?';
        }),
      );
    }
    const a = median(fl);
    const b = median(sp);
    console.log(
      `${s.name.padEnd(24)}  ${(a / 1000).toFixed(2).padStart(8)}s  ${(b / 1000).toFixed(2).padStart(11)}s  ${(a / b).toFixed(2).padStart(5)}x  ${flOut} | pan ${panOut}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(
  "\nratio: forklore's whole-process time over SPIN's (target <= 0.1x, issue 13). Not yet modelled in Promela: tst-fork1 r743/r815 with 2, 3, 5 threads, the atfork pairs.",
);
