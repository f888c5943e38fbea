// Random search: each execution picks uniformly among the enabled transitions with a seeded PRNG;
// N executions, reproducible from the seed.
import { createPrng } from './prng.ts';
import type { Scheduler } from './scheduler.ts';

export interface RandomOptions {
  runs: number;
  seed: number;
}

export function createRandom({ runs, seed }: RandomOptions): Scheduler {
  const prng = createPrng(seed);
  let done = 0;
  return {
    name: 'random',
    begin: () => done++ < runs,
    choose: (enabled) => enabled[prng.below(enabled.length)]!.id,
    stepped() {},
    incompleteBecause: () => 'sampling',
  };
}
