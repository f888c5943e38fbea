// `npm run bench`, the reality twin: per C example, the simulator's verdict for its TypeScript twin,
// whether every schedule has that bug, and what real runs on this machine did (tests/reality/lib.ts
// does the work; tests/reality/reality.test.ts asserts the same rules in npm test).
// Exits 1 when a real run contradicts the simulator, or an example does not compile.
import { execFileSync } from 'node:child_process';
import { cExamples, examineAll, type Row } from '../tests/reality/lib.ts';

const names = cExamples();
const { rows, elapsedMs } = await examineAll(names, { concurrency: 3 });

const platform = (() => {
  try {
    const libc = execFileSync('ldd', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
    const gcc = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    return `${libc} | kernel ${kernel} | ${gcc}`;
  } catch {
    return 'unknown platform';
  }
})();

const cell = (r: Row) => {
  const real = r.real;
  return [
    r.name,
    r.expected,
    r.model ? (r.model.everySchedule ? 'every' : r.expected === 'ok' ? '-' : 'some') : '-',
    real ? String(real.runs.length) : '-',
    real ? String(real.hangs) : '-',
    real ? String(real.assertions) : '-',
    real ? String(real.clean) : '-',
    r.forced
      ? r.forced.real && r.forced.notForceable.length === 0
        ? `${r.forced.real.hangs}/${r.forced.real.runs.length} hung${r.forced.caveats.length ? ' *' : ''}`
        : 'not forceable'
      : '-',
    r.agreement,
  ];
};
const head = [
  'example',
  'verdict',
  'schedules',
  'real runs',
  'real hangs',
  'asserts',
  'clean',
  'forced replay',
  'agreement',
];
const table = [head, ...rows.map(cell)];
const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
const line = (row: string[]) =>
  row.map((c, i) => (i >= 3 && i <= 6 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');

console.log(`reality twin: ${platform}`);
console.log(
  'schedules: "every" when every schedule of the TypeScript twin has the bug (then every real run must show it),',
);
console.log('"some" when it depends on the schedule (real hangs are counted, not required). forced replay: the first');
console.log(
  'deadlock schedule forced on real threads (tests/reality/reproduce.ts); where no step is left to chance every run must hang.\n',
);
console.log(line(table[0]!));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table.slice(1)) console.log(line(row));

const bad = rows.filter((r) => r.agreement === 'disagree' || r.agreement === 'not compiled');
const count = (a: Row['agreement']) => rows.filter((r) => r.agreement === a).length;
console.log(
  `\n${rows.length} examples: ${count('agree')} agree, ${count('consistent')} consistent, ${count('skipped')} skipped, ${bad.length} disagree; ${Math.round(elapsedMs / 1000)} s`,
);
for (const r of rows.filter((x) => x.agreement === 'skipped')) console.log(`  skipped ${r.name}: ${r.skip}`);
for (const r of rows.filter((x) => x.forced && x.forced.caveats.length && !x.forced.notForceable.length))
  console.log(`  * ${r.name}: ${r.forced!.caveats.join('; ')}`);
for (const r of rows.filter((x) => x.forced && x.forced.notForceable.length))
  console.log(`  not forceable ${r.name}: ${r.forced!.notForceable.join('; ')}`);
for (const r of bad) console.log(`  DISAGREE ${r.name}: ${r.why}`);
process.exitCode = bad.length > 0 ? 1 : 0;
