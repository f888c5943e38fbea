// Developer aid, not a test: a C example and its TypeScript twin side by side under one strategy.
// node tests/c/scripts/cmp.ts NAME [dpor|random|pct]
import { readFileSync } from 'node:fs';
import { compileC } from '../../../sim/c/index.ts';
import { loadProgram } from '../../../sim/load-node.ts';
import { explore } from '../../../sim/index.ts';
const name = process.argv[2]!;
const strat = process.argv[3] ?? 'dpor';
const d = new URL('../../../content/examples/', import.meta.url).pathname;
const c = await compileC(readFileSync(d + name + '.c', 'utf8'), name + '.c');
const t = await loadProgram(d + name + '.ts');
if (!c.ok || !t.ok) throw new Error('load');
const o =
  strat === 'dpor'
    ? { strategy: 'dpor' as const, stopAtFirst: false }
    : strat === 'random'
      ? { strategy: 'random' as const, runs: 40, seed: 7 }
      : { strategy: 'pct' as const, runs: 40, seed: 11, depth: 3 };
for (const p of [c.program, t.program]) {
  const r = explore(p, o);
  console.log(
    r.verdict,
    r.stats,
    r.findings.map((f) => f.kind + ': ' + f.message + ' ' + f.schedule),
  );
}
