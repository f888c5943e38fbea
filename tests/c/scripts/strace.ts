// Developer aid, not a test: the strace log of one schedule (always the first enabled transition) of
// a C file. node tests/c/scripts/strace.ts FILE.c
import { readFileSync } from 'node:fs';
import { compileC, includeBeside } from '../../../sim/c/index.ts';
import { createRun } from '../../../sim/index.ts';
import { renderStrace } from '../../../sim/render/strace.ts';
const f = process.argv[2]!;
const r = await compileC(readFileSync(f, 'utf8'), f, undefined, { include: includeBeside(f) });
if (!r.ok) {
  console.log(`${f}:${r.error.line}:${r.error.column}: ${r.error.message}`);
  process.exit(2);
}
const run = createRun(r.program);
for (let en = run.enabled(); en.length > 0; en = run.enabled()) run.step(en[0]!.id);
console.log(renderStrace(run.trace()));
console.log(run.outcome(), JSON.stringify(run.findings?.() ?? []));
