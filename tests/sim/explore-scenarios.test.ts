// Every example program under every strategy: exhaustive DPOR gives the verdict it declares, and so do
// random and PCT search with a fixed seed (enough runs to find each bug); a found schedule replays to
// the same finding and trace.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { explore, replay } from '../../sim/explore/index.ts';
import type { Expected, Program } from '../../sim/types.ts';

const dir = fileURLToPath(new URL('../../content/examples/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

async function load(name: string): Promise<Program | undefined> {
  const mod = (await import(`../../content/examples/${name}.ts`)) as {
    default: Program['main'];
    options?: Program['options'];
    expected?: Expected;
  };
  if (!mod.expected) return undefined;
  return { main: mod.default, options: mod.options ?? {}, expected: mod.expected, name };
}

describe.each(names)('%s', (name) => {
  it('gives its expected verdict under DPOR', async () => {
    const program = await load(name);
    if (!program) return;
    const report = explore(program);
    expect(report.verdict).toBe(program.expected!.verdict);
    expect(report.completeness).toEqual({ complete: true });
  });

  it('gives its expected verdict under random search (300 runs, seed 1) and PCT (300 runs, depth 4, seed 1)', async () => {
    const program = await load(name);
    if (!program) return;
    for (const strategy of ['random', 'pct'] as const) {
      const report = explore(program, { strategy, runs: 300, seed: 1, depth: 4 });
      expect(report.verdict, strategy).toBe(program.expected!.verdict);
    }
  });

  it('replays the counterexample DPOR found to the same finding and trace', async () => {
    const program = await load(name);
    if (!program || program.expected!.verdict === 'ok') return;
    const found = explore(program).findings[0]!;
    const again = explore(program, { strategy: 'replay', schedule: found.schedule });
    expect(again.findings.map((f) => f.kind)).toContain(found.kind);
    expect(again.findings.find((f) => f.kind === found.kind)!.trace).toEqual(found.trace);
    expect(replay(program, found.schedule).trace()).toEqual(found.trace);
  });
});
