// The dependency relation of partial-order reduction: which pairs of steps do not commute. What a key
// names and when two keys overlap is the access grammar's (sim/access.ts).
import { overlaps } from '../access.ts';
import type { Access } from '../types.ts';

export { overlaps } from '../access.ts';

/** True when some object is touched by both access sets and at least one of the two writes it. */
export function conflicts(a: readonly Access[], b: readonly Access[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if ((x.write || y.write) && overlaps(x.obj, y.obj)) return true;
    }
  }
  return false;
}

/** Two steps are dependent iff they belong to the same thread or their accesses conflict. */
export function dependent(tidA: number, a: readonly Access[], tidB: number, b: readonly Access[]): boolean {
  return tidA === tidB || conflicts(a, b);
}
