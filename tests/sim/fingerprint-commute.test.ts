// Two steps that commute reach one state, and state caching needs them to reach one fingerprint: on
// random executions of the examples, every pair of adjacent steps of different threads that DPOR
// takes for independent (no conflicting access) is swapped, and the two states are compared. What
// this catches: a state that keeps the order of independent events (ids from one counter, the
// children list, a map in the order its entries were made, an object a process made on first use
// before or after a fork, fork's copy of a futex word with waiters).
import { describe, expect, it } from 'vitest';
import { createRun } from '../../sim/world/index.ts';
import { conflicts } from '../../sim/explore/dependency.ts';
import type { Access, Program } from '../../sim/types.ts';

const EXAMPLES = [
  'tst-fork1-r815-3',
  'tst-fork1-r815-2',
  'tst-fork1-r743-2',
  'ch6-exercise',
  'ch7-exercise',
  'prefork-exercise',
  'compose-lock-order-fixed',
  'ch4-malloc-buggy',
  'ch2-leak-buggy',
];

/** A small fixed generator (the test must be the same on every run). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('fingerprints of commuting steps', () => {
  for (const name of EXAMPLES) {
    it(`${name}: swapping two independent adjacent steps reaches the same fingerprint`, async () => {
      const mod = (await import(`../../content/examples/${name}.ts`)) as {
        default: Program['main'];
        options?: Program['options'];
      };
      const p: Program = { main: mod.default, options: { ...mod.options, futex: 'exact' }, name };
      const rnd = lcg(12345);
      let swapped = 0;
      const differ: string[] = [];
      for (let iter = 0; iter < 25; iter++) {
        const run = createRun(p);
        const ids: string[] = [];
        const accs: Access[][] = [];
        const enabled: string[][] = [];
        for (let n = 0; n < 3000; n++) {
          const en = run.enabled();
          if (en.length === 0) break;
          const t = en[Math.floor(rnd() * en.length)]!;
          enabled.push(en.map((x) => x.id));
          ids.push(t.id);
          accs.push(run.step(t.id).accesses);
        }
        for (let i = 0; i + 1 < ids.length; i++) {
          const a = ids[i]!;
          const b = ids[i + 1]!;
          if (a === b || !enabled[i]!.includes(b) || conflicts(accs[i]!, accs[i + 1]!)) continue;
          const one = createRun(p);
          const two = createRun(p);
          for (let j = 0; j < i; j++) {
            one.step(ids[j]!);
            two.step(ids[j]!);
          }
          one.step(a);
          one.step(b);
          two.step(b);
          // b disabled a (it ended the process, say): not a pair that commutes.
          if (!two.enabled().some((x) => x.id === a)) continue;
          two.step(a);
          swapped++;
          if (one.fingerprint!() !== two.fingerprint!())
            differ.push(`${ids.slice(0, i).join('.')} then ${a}.${b} or ${b}.${a}`);
        }
      }
      expect(differ).toEqual([]);
      expect(swapped).toBeGreaterThan(10);
    }, 60_000);
  }
});
