import { readFileSync } from 'node:fs';
import { compileC } from '/work/wt-cfront/sim/c/index.ts';
import { loadProgram } from '/work/wt-cfront/sim/load-node.ts';
import { explore } from '/work/wt-cfront/sim/index.ts';
const name = process.argv[2]!; const strat = process.argv[3] ?? 'dpor';
const d = '/work/wt-cfront/content/examples/';
const c = await compileC(readFileSync(d + name + '.c', 'utf8'), name + '.c');
const t = await loadProgram(d + name + '.ts');
if (!c.ok || !t.ok) throw new Error('load');
const o = strat === 'dpor' ? { strategy: 'dpor' as const, stopAtFirst: false } : strat === 'random' ? { strategy: 'random' as const, runs: 40, seed: 7 } : { strategy: 'pct' as const, runs: 40, seed: 11, depth: 3 };
for (const p of [c.program, t.program]) { const r = explore(p, o); console.log(r.verdict, r.stats, r.findings.map(f => f.kind + ': ' + f.message + ' ' + f.schedule)); }
