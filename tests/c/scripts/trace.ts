// Developer aid, not a test: the steps of one schedule (always the first enabled transition) of a C
// file and of its TypeScript twin, with their accesses. node tests/c/scripts/trace.ts FILE.c [1]
import { readFileSync } from 'node:fs';
import { compileC } from '../../../sim/c/index.ts';
import { loadProgram } from '../../../sim/load-node.ts';
import { createRun } from '../../../sim/index.ts';
const f = process.argv[2]!;
const r = await compileC(readFileSync(f, 'utf8'), f);
const t = await loadProgram(f.replace(/\.c$/, '.ts'));
for (const p of [r, t]) {
  if (!p.ok) {
    console.log(p.error);
    continue;
  }
  const run = createRun(p.program);
  const lines: string[] = [];
  for (;;) {
    const en = run.enabled();
    if (!en.length) break;
    const s = run.step(en[0]!.id);
    lines.push(
      en[0]!.id +
        ' ' +
        s.accesses.map((a) => (a.write ? 'W' : 'R') + a.obj).join(' ') +
        ' | ' +
        s.events
          .map((e) => e.type + ((e as { fn?: unknown }).fn ? ':' + String((e as { fn?: unknown }).fn) : ''))
          .join(' '),
    );
  }
  console.log(lines.length, 'steps');
  if (process.argv[3]) console.log(lines.join('\n'));
}
