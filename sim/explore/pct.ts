// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS'10):
// random thread priorities, always run the highest-priority enabled thread, and lower the running
// thread's priority at d-1 random steps. A bug of depth d is found with probability >= 1/(n k^(d-1)).
import type { Transition } from '../types.ts';
import { createPrng } from './prng.ts';
import type { Scheduler } from './scheduler.ts';

export interface PctOptions {
  runs: number;
  seed: number;
  /** The bug depth d (>= 1). */
  depth: number;
}

export function createPct({ runs, seed, depth }: PctOptions): Scheduler {
  const prng = createPrng(seed);
  const d = Math.max(1, Math.floor(depth));
  let done = 0;
  /** The number of steps an execution is expected to take: the longest seen so far. */
  let k = 32;
  let step = 0;
  let priority = new Map<number, number>();
  let changeAt = new Map<number, number>();
  let running: number | undefined;

  return {
    name: 'pct',
    begin() {
      if (done >= runs) return false;
      done++;
      step = 0;
      running = undefined;
      priority = new Map();
      changeAt = new Map();
      for (let i = 1; i < d; i++) changeAt.set(1 + prng.below(k), d - i);
      return true;
    },
    choose(enabled: readonly Transition[]) {
      const lowered = changeAt.get(step);
      if (lowered !== undefined && running !== undefined) priority.set(running, lowered);
      let best: number | undefined;
      let bestPriority = -Infinity;
      for (const t of enabled) {
        let p = priority.get(t.tid);
        if (p === undefined) {
          // A thread seen for the first time gets a random rank among the initial priorities (all >= d).
          p = d + prng.next() * 1e6;
          priority.set(t.tid, p);
        }
        if (p > bestPriority) {
          bestPriority = p;
          best = t.tid;
        }
      }
      const mine = enabled.filter((t) => t.tid === best);
      return mine[mine.length === 1 ? 0 : prng.below(mine.length)]!.id;
    },
    stepped({ transition }) {
      step++;
      if (step > k) k = step;
      running = transition.tid;
    },
    incompleteBecause: () => 'sampling',
  };
}
