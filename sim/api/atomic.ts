// Atomic operations on cells (C11 <stdatomic.h>, GCC's __atomic builtins): each one step that reads
// and writes the cell, sequentially consistent. load and store are the ordinary cell steps.
import { op, type G } from './op.ts';
import { type CellHandle, type RmwFn, sameValue } from './ops.ts';

/** The integer type the arithmetic wraps in (default: 64-bit signed). */
export interface IntType {
  bits: number;
  signed: boolean;
}

/** One atomic read-modify-write; returns the value the cell held before. */
export function* atomic_rmw<T>(c: CellHandle<T>, f: RmwFn, v: T, int?: IntType, expected?: T): G<T> {
  const o: { k: 'rmw'; c: CellHandle; f: RmwFn; v: unknown; expected?: unknown; int?: IntType } = { k: 'rmw', c, f, v };
  if (int) o.int = int;
  if (f === 'cas') o.expected = expected;
  return yield* op<T>(o);
}
export function* atomic_fetch_add(c: CellHandle<number>, v: number): G<number> {
  return yield* atomic_rmw(c, 'add', v);
}
export function* atomic_fetch_sub(c: CellHandle<number>, v: number): G<number> {
  return yield* atomic_rmw(c, 'sub', v);
}
export function* atomic_exchange<T>(c: CellHandle<T>, v: T): G<T> {
  return yield* atomic_rmw(c, 'xchg', v);
}
/** Stores `v` if the cell holds `expected`; returns whether it did (and the value it held). */
export function* atomic_compare_exchange<T>(c: CellHandle<T>, expected: T, v: T): G<{ ok: boolean; old: T }> {
  const old = yield* atomic_rmw(c, 'cas', v, undefined, expected);
  return { ok: sameValue(old, expected), old };
}
