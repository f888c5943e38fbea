// Property: on random small programs, the DPOR search reaches exactly the set of final outcomes (and
// of finding kinds) that plain enumeration of every interleaving reaches.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { search } from '../../sim/explore/search.ts';
import { countTraces } from '../../sim/explore/traces.ts';
import type { Run } from '../../sim/types.ts';
import { createFakeRun, type FakeProgram, type Op } from './fake-world.ts';

const cell = fc.constantFrom('a', 'b');
const mutexName = fc.constantFrom('m1', 'm2');

const simpleOp: fc.Arbitrary<Op> = fc.oneof(
  cell.map((c): Op => ({ op: 'read', cell: c })),
  fc.tuple(cell, fc.integer({ min: 1, max: 2 })).map(([c, v]): Op => ({ op: 'write', cell: c, value: v })),
  cell.map((c): Op => ({ op: 'inc', cell: c })),
  mutexName.map((m): Op => ({ op: 'lock', mutex: m })),
  mutexName.map((m): Op => ({ op: 'unlock', mutex: m })),
  fc.constant<Op>({ op: 'choose' }),
  fc.tuple(cell, fc.integer({ min: 0, max: 2 })).map(([c, v]): Op => ({ op: 'assert', cell: c, not: v })),
);

const ops = (max: number) => fc.array(simpleOp, { minLength: 1, maxLength: max });

/** 2-3 threads of a few operations; main spawns the others at random points and may fork once. */
const program: fc.Arbitrary<FakeProgram> = fc
  .record({
    main: ops(3),
    others: fc.array(ops(2), { minLength: 1, maxLength: 2 }),
    spawnAt: fc.array(fc.nat(3), { minLength: 2, maxLength: 2 }),
    fork: fc.option(fc.record({ at: fc.nat(3), child: ops(2) }), { nil: undefined }),
  })
  .map(({ main, others, spawnAt, fork }) => {
    const body: Op[] = [...main];
    if (fork) body.splice(Math.min(fork.at, body.length), 0, { op: 'fork', child: fork.child });
    others.forEach((_, i) => body.splice(Math.min(spawnAt[i]!, body.length), 0, { op: 'spawn', thread: i + 1 }));
    return { threads: [body, ...others], cells: ['a', 'b'] };
  });

/** Searches and returns the final outcomes of every execution that ran to its end. */
function outcomes(p: FakeProgram, strategy: 'dpor' | 'enumerate') {
  const runs: Run[] = [];
  const report = search(
    () => {
      const run = createFakeRun(p);
      runs.push(run);
      return run;
    },
    { strategy, stopAtFirst: false, maxExecutions: 5_000 },
  );
  const finals = new Set(runs.filter((r) => r.enabled().length === 0).map((r) => r.outcome()));
  return { report, finals, kinds: new Set(report.findings.map((f) => f.kind)) };
}

describe('dpor against plain enumeration', () => {
  it('reaches exactly the same set of outcomes and findings on random small programs', () => {
    fc.assert(
      fc.property(program, (p) => {
        const all = outcomes(p, 'enumerate');
        fc.pre(all.report.completeness.complete);
        const reduced = outcomes(p, 'dpor');
        expect([...reduced.finals].sort()).toEqual([...all.finals].sort());
        expect([...reduced.kinds].sort()).toEqual([...all.kinds].sort());
        expect(reduced.report.stats.executions).toBeLessThanOrEqual(all.report.stats.executions);
      }),
      { numRuns: 150, seed: 20260611 },
    );
  }, 120_000);

  it('explores no more executions than there are Mazurkiewicz traces, by more than a fifth, in total', () => {
    let traces = 0;
    let executions = 0;
    fc.assert(
      fc.property(program, (p) => {
        traces += countTraces(() => createFakeRun(p)).traces;
        executions += outcomes(p, 'dpor').report.stats.executions;
      }),
      { numRuns: 60, seed: 7 },
    );
    expect(executions).toBeLessThanOrEqual(traces * 1.2);
  }, 120_000);
});
