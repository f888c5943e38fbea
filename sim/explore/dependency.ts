// The dependency relation of partial-order reduction: which pairs of steps do not commute.
import type { Access } from '../types.ts';

/** The process part of an object key ("1000/m:libc_lock" -> "1000"), or the whole key if it has none. */
function processOf(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}

/**
 * Two object keys name overlapping objects when they are equal, or when one is a whole-process key
 * "PID/*" (fork copies every object of the process) and the other lies in the same process.
 */
export function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const aAll = a.endsWith('/*');
  const bAll = b.endsWith('/*');
  if (!aAll && !bAll) return false;
  return processOf(a) === processOf(b);
}

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
