// Developer aid, not a test: every stdout a C file can print (with its exit status), over a full
// DPOR search, and any finding. node tests/c/scripts/outputs.ts FILE.c [maxExecutions]
import { readFileSync } from 'node:fs';
import { compileC } from '../../../sim/c/index.ts';
import { finished, mainExit, searchRuns, stdoutOf } from '../../sim/world-helpers.ts';
const f = process.argv[2]!;
const r = await compileC(readFileSync(f, 'utf8'), f);
if (!r.ok) {
  console.log(`${r.error.file}:${r.error.line}:${r.error.column}: ${r.error.message}`);
  process.exit(1);
}
const { report, runs } = searchRuns(r.program, {
  strategy: 'dpor',
  stopAtFirst: false,
  maxExecutions: Number(process.argv[3] ?? 20000),
});
const outs = new Map<string, number>();
for (const run of finished(runs)) {
  const e = mainExit(run);
  const k = `${JSON.stringify(stdoutOf(run))} exit ${e ? `${e.how} ${e.status}` : '?'}`;
  outs.set(k, (outs.get(k) ?? 0) + 1);
}
console.log(report.verdict, JSON.stringify(report.stats));
for (const fd of report.findings) console.log(`finding ${fd.kind}: ${fd.message}`);
for (const [k, n] of [...outs].sort()) console.log(`${n}x ${k}`);
