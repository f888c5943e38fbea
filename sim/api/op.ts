// The helpers a library call can yield through: an operation, and the enter/leave bookkeeping of a
// libc call. The library's own calls yield their operations directly (`(yield o) as T`, not
// `yield* op<T>(o)`): the same steps, without a generator object per operation. A module of its own, imported by exit.ts, malloc.ts and stdio.ts, so that none of those
// imports another in a cycle.
import type { Op } from './ops.ts';

export type G<T> = Generator<Op, T, unknown>;

export function* op<T>(o: Op): G<T> {
  return (yield o) as T;
}

export function* enter(fn: string): G<void> {
  yield { k: 'enter', fn };
}
export function* leave(fn: string): G<void> {
  yield { k: 'leave', fn };
}
