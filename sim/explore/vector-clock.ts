// Vector clocks for happens-before, indexed by a thread's slot: vc[s] counts the events of the thread
// in slot s that happen before (or are) the event the clock belongs to.

/** The clock's entry for slot `s` (0 when the clock has none). */
export const at = (vc: readonly number[], s: number): number => vc[s] ?? 0;

/** a := max(a, b), entry by entry. */
export function join(a: number[], b: readonly number[]): void {
  for (let i = 0; i < b.length; i++) if ((b[i] ?? 0) > (a[i] ?? 0)) a[i] = b[i]!;
}
