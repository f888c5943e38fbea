// State caching against plain DPOR on the examples: the cached search (from the start) must reach
// every outcome (every process's exit status) and every kind of finding the plain search reaches. A
// revisit that missed the races between an explored state's future and the new prefix would lose
// outcomes here, which the small random programs of the property tests did not show. (Output is left
// out: a fingerprint does not hold what was written to the terminal, so two states that differ only
// in the order of lines already printed are one, and the cached search shows one of those orders.)
import { describe, expect, it } from 'vitest';
import type { ExploreOptions, Program } from '../../sim/types.ts';
import { finished, searchRuns } from './world-helpers.ts';

const EXAMPLES = [
  'tst-fork1-r743-2',
  'tst-fork1-r815-2',
  'tst-fork1-r815-3',
  'ch4-bz19431-buggy',
  'ch2-leak-buggy',
  'ch3-atfork-buggy',
  'compose-lock-order-buggy',
  'ch5-signal-fork',
  'prefork-exercise',
];

function outcomes(p: Program, options: ExploreOptions) {
  const { report, runs } = searchRuns(p, { ...options, stopAtFirst: false });
  return {
    complete: report.completeness.complete,
    kinds: [...new Set(report.findings.map((f) => f.kind))].sort(),
    outcomes: [...new Set(finished(runs).map((r) => r.outcome()))].sort(),
  };
}

describe('state caching on the examples', () => {
  for (const name of EXAMPLES) {
    it(`${name}: caching from the start reaches every outcome and finding kind plain DPOR reaches`, async () => {
      const mod = (await import(`../../content/examples/${name}.ts`)) as {
        default: Program['main'];
        options?: Program['options'];
      };
      const p: Program = { main: mod.default, options: { ...mod.options, futex: 'exact' }, name };
      const plain = outcomes(p, { stateCache: false, maxExecutions: 20_000 });
      const cached = outcomes(p, { stateCache: true, maxExecutions: 20_000 });
      expect(plain.complete && cached.complete).toBe(true);
      expect(cached.kinds).toEqual(plain.kinds);
      expect(cached.outcomes).toEqual(plain.outcomes);
    }, 120_000);
  }
});
