// Vector clocks for happens-before, indexed by a thread's slot: vc[s] counts the events of the thread
// in slot s that happen before (or are) the event the clock belongs to.

/** The clock's entry for slot `s` (0 when the clock has none). */
export const at = (vc: readonly number[], s: number): number => vc[s] ?? 0;

/** a := max(a, b), entry by entry. */
export function join(a: number[], b: readonly number[]): void {
  for (let i = 0; i < b.length; i++) if ((b[i] ?? 0) > (a[i] ?? 0)) a[i] = b[i]!;
}

/**
 * A copy of `vc` (none: all zeros) with an entry for each of the first `size` slots: a clock that
 * covers every slot in use is never grown by a store or a join (growing an array reallocates it),
 * and, with zeros where vc has no entry, its elements stay packed.
 */
export function copyClock(vc: readonly number[] | undefined, size: number): number[] {
  const out = vc === undefined ? [] : vc.slice();
  for (let i = out.length; i < size; i++) out.push(0);
  return out;
}
