import { readFileSync } from 'node:fs';
import { compileC } from '../../sim/c/index.ts';
import { check } from '../../sim/index.ts';
const f = process.argv[2]!;
const r = await compileC(readFileSync(f, 'utf8'), f);
if (!r.ok) { console.log(r.error); process.exit(1); }
const rep = check(r.program, { strategy: (process.argv[3] as never) ?? 'dpor' });
console.log(rep.verdict, rep.stats, rep.findings.map(f => f.kind + ': ' + f.message), rep.notes);
