// The dependency relation of partial-order reduction: which pairs of steps do not commute. What a key
// names and when two keys overlap is the access grammar's (sim/access.ts).
import { isWholeProcess, overlaps, scopeOf } from '../access.ts';
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

/**
 * The same relation on interned accesses, for DPOR's hot loop: each key and its scope (sim/access.ts)
 * become numbers once, so conflicts compare integers. `conflictsInterned(intern(a), intern(b))` equals
 * `conflicts(a, b)`.
 */
export interface Acc {
  key: number;
  /** The key's scope ("1000/m:x" -> "1000/"); the key itself for keys outside process memory. */
  pid: number;
  /** A whole-process key "PID/*": overlaps every key of its scope. */
  all: boolean;
  write: boolean;
  /** The step waited for a (lasting) write to this object: see Access.await. */
  await: boolean;
}

/** An interner kept for a whole search: the same access always gets the same Acc. */
export function createInterner(): (accesses: readonly Access[]) => Acc[] {
  const keyIds = new Map<string, number>();
  const intern = (s: string): number => {
    let id = keyIds.get(s);
    if (id === undefined) keyIds.set(s, (id = keyIds.size));
    return id;
  };
  // By key, then by the access's flags (write, await): no string is built per access.
  const interned = new Map<string, (Acc | undefined)[]>();
  const one = (a: Access): Acc => {
    let byFlags = interned.get(a.obj);
    if (byFlags === undefined) interned.set(a.obj, (byFlags = []));
    const flags = (a.write ? 1 : 0) | (a.await === true ? 2 : 0);
    let acc = byFlags[flags];
    if (acc === undefined) {
      acc = byFlags[flags] = {
        key: intern(a.obj),
        pid: intern(scopeOf(a.obj)),
        all: isWholeProcess(a.obj),
        write: a.write,
        await: a.await === true,
      };
    }
    return acc;
  };
  return (accesses) => {
    const out = new Array<Acc>(accesses.length);
    for (let i = 0; i < accesses.length; i++) out[i] = one(accesses[i]!);
    return out;
  };
}

const overlapsInterned = (x: Acc, y: Acc): boolean => x.key === y.key || ((x.all || y.all) && x.pid === y.pid);

export function conflictsInterned(a: readonly Acc[], b: readonly Acc[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    for (let j = 0; j < b.length; j++) {
      const y = b[j]!;
      if ((x.write || y.write) && (x.key === y.key || ((x.all || y.all) && x.pid === y.pid))) return true;
    }
  }
  return false;
}

/** Does a step with accesses `a` wait for a lasting write that `b` made (so it cannot go before b)? */
export function awaits(a: readonly Acc[], b: readonly Acc[]): boolean {
  for (const x of a) {
    if (!x.await) continue;
    for (const y of b) if (y.write && overlapsInterned(x, y)) return true;
  }
  return false;
}
