// Atomic read-modify-writes on C objects: one step on a shared object (the world's rmw), done in
// place on a private one (no other thread can see it). The value is converted to the object's type
// first, and the arithmetic wraps in that type.
import * as L from '../api/index.ts';
import { type RmwFn, rmwResult } from '../api/ops.ts';
import { cellOf, conv, CRuntimeError, type G, isPriv, isShr, locName, read, type Statics, write } from './runtime.ts';
import { type CType, typeName } from './types.ts';

/** The operator of a compound assignment an atomic object does in one step (the others loop on cas). */
export const RMW_OF: Record<string, RmwFn> = { '+=': 'add', '-=': 'sub', '&=': 'and', '|=': 'or', '^=': 'xor' };

/** One atomic read-modify-write of the object at `loc`; returns the value it held. */
export function* rmwAt(
  st: Statics,
  loc: unknown,
  t: CType,
  f: RmwFn,
  v: unknown,
  where: string,
  expected?: unknown,
): G<unknown> {
  if (t.k !== 'int' && f !== 'xchg' && f !== 'cas')
    throw new CRuntimeError(`${where}: atomic arithmetic on ${typeName(t)} is outside the supported subset`);
  const int = t.k === 'int' ? { bits: Math.max(t.bits, 8), signed: t.signed } : undefined;
  const value = conv(t, v);
  if (isShr(loc)) return yield* L.atomic_rmw(cellOf(st, locName(loc)), f, value, int, expected);
  if (isPriv(loc)) {
    const old = yield* read(st, loc, t, where);
    yield* write(st, loc, t, rmwResult(f, old, value, expected, int ?? { bits: 64, signed: true }), where);
    return old;
  }
  // read() names what the location is not.
  yield* read(st, loc, t, where);
  throw new CRuntimeError(`${where}: an atomic operation on something that is not an object`);
}

/** `x OP= v` on an atomic object whose operator has no instruction: load, then cas until it holds. */
export function* casLoop(st: Statics, loc: unknown, t: CType, f: (old: unknown) => unknown, where: string): G<unknown> {
  let old = yield* read(st, loc, t, where);
  for (;;) {
    const nv = conv(t, f(old));
    const seen = yield* rmwAt(st, loc, t, 'cas', nv, where, old);
    if (seen === old) return nv;
    old = seen;
  }
}
