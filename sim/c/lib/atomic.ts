// <stdatomic.h>'s functions and GCC's __atomic and __sync builtins, on the object the first argument
// points to: a load, a store, or one atomic read-modify-write step (sim/c/atomic.ts). Every memory
// order is treated as seq_cst, and a weak compare-exchange never fails spuriously: the outcomes shown
// are those of a sequentially consistent machine, a subset of what weaker orders allow.
import { type RmwFn, rmwResult } from '../../api/ops.ts';
import { rmwAt } from '../atomic.ts';
import type { Compiler } from '../compile.ts';
import type { Builtin, E } from '../forms.ts';
import type { PNode } from '../parse.ts';
import { CRuntimeError, type G, read, type Statics, write } from '../runtime.ts';
import { type CType, T, typeName } from '../types.ts';
import { pointee } from './bytes.ts';
import { lib } from './core.ts';

const STDATOMIC = ['stdatomic.h'];
/** GCC's builtins need no header. */
const NONE: string[] = [];

type Impl = (st: Statics, t: CType, a: unknown[], where: string) => G<unknown>;

/** A call whose first argument points to the atomic object; `ret` is its result type given the object's. */
function onObject(h: string[], arity: [number, number], ret: (t: CType) => CType, impl: Impl): Builtin {
  return {
    h,
    c: (cx: Compiler, args: E[], n: PNode, where: string) => {
      const first = args[0];
      const t = first ? pointee(first.t) : T.void;
      if (first && t.k !== 'int' && t.k !== 'ptr')
        cx.err(n, `an atomic operation on ${typeName(t)}: only integers and pointers are in the supported subset`);
      return lib(h, ret(t), (fr, a, cx2, w) => impl(cx2.statics, t, a, w), { arity }).c(cx, args, n, where);
    },
  };
}
const same = (t: CType) => t;
const asBool = () => T.bool;
const asVoid = () => T.void;

const load = (h: string[], n: number) =>
  onObject(h, [n, n], same, function* (st, t, [p], w) {
    return yield* read(st, p, t, w);
  });
const store = (h: string[], n: number) =>
  onObject(h, [n, n], asVoid, function* (st, t, [p, v], w) {
    yield* write(st, p, t, v, w);
    return undefined;
  });
/** fetch_OP: the old value; OP_fetch (`after`): the new one. */
const fetch = (h: string[], n: number, f: RmwFn, after = false) =>
  onObject(h, [n, n], same, function* (st, t, [p, v], w) {
    const old = yield* rmwAt(st, p, t, f, v, w);
    if (!after) return old;
    if (t.k !== 'int') throw new CRuntimeError(`${w}: atomic arithmetic on ${typeName(t)}`);
    return rmwResult(f, old, v, undefined, { bits: Math.max(t.bits, 8), signed: t.signed });
  });
/** C11 compare_exchange and __atomic_compare_exchange_n: on failure the value seen goes to *expected. */
const compareExchange = (h: string[], arity: [number, number]) =>
  onObject(h, arity, asBool, function* (st, t, [p, ep, desired], w) {
    const expected = yield* read(st, ep, t, w);
    const old = yield* rmwAt(st, p, t, 'cas', desired, w, expected);
    if (old === expected) return 1;
    yield* write(st, ep, t, old, w);
    return 0;
  });
const noStep = (h: string[], arity: [number, number], v: number | undefined) =>
  lib(
    h,
    v === undefined ? T.void : T.int,
    function* () {
      return v;
    },
    { arity },
  );

const C11: Record<string, Builtin> = {
  atomic_load: load(STDATOMIC, 1),
  atomic_load_explicit: load(STDATOMIC, 2),
  atomic_store: store(STDATOMIC, 2),
  atomic_store_explicit: store(STDATOMIC, 3),
  atomic_init: store(STDATOMIC, 2),
  atomic_exchange: fetch(STDATOMIC, 2, 'xchg'),
  atomic_exchange_explicit: fetch(STDATOMIC, 3, 'xchg'),
  atomic_compare_exchange_strong: compareExchange(STDATOMIC, [3, 3]),
  atomic_compare_exchange_weak: compareExchange(STDATOMIC, [3, 3]),
  atomic_compare_exchange_strong_explicit: compareExchange(STDATOMIC, [5, 5]),
  atomic_compare_exchange_weak_explicit: compareExchange(STDATOMIC, [5, 5]),
  atomic_flag_test_and_set: onObject(STDATOMIC, [1, 1], asBool, function* (st, t, [p], w) {
    return yield* rmwAt(st, p, t, 'xchg', 1, w);
  }),
  atomic_flag_test_and_set_explicit: onObject(STDATOMIC, [2, 2], asBool, function* (st, t, [p], w) {
    return yield* rmwAt(st, p, t, 'xchg', 1, w);
  }),
  atomic_flag_clear: store(STDATOMIC, 1),
  atomic_flag_clear_explicit: store(STDATOMIC, 2),
  atomic_thread_fence: noStep(STDATOMIC, [1, 1], undefined),
  atomic_signal_fence: noStep(STDATOMIC, [1, 1], undefined),
  atomic_is_lock_free: noStep(STDATOMIC, [1, 1], 1),
};
for (const op of ['add', 'sub', 'and', 'or', 'xor'] as const) {
  C11[`atomic_fetch_${op}`] = fetch(STDATOMIC, 2, op);
  C11[`atomic_fetch_${op}_explicit`] = fetch(STDATOMIC, 3, op);
}

const GCC: Record<string, Builtin> = {
  __atomic_load_n: load(NONE, 2),
  __atomic_store_n: store(NONE, 3),
  __atomic_exchange_n: fetch(NONE, 3, 'xchg'),
  __atomic_compare_exchange_n: compareExchange(NONE, [6, 6]),
  __atomic_test_and_set: onObject(NONE, [2, 2], asBool, function* (st, t, [p], w) {
    return yield* rmwAt(st, p, t, 'xchg', 1, w);
  }),
  __atomic_clear: store(NONE, 2),
  __atomic_thread_fence: noStep(NONE, [1, 1], undefined),
  __atomic_signal_fence: noStep(NONE, [1, 1], undefined),
  __sync_synchronize: noStep(NONE, [0, 0], undefined),
  __sync_lock_test_and_set: fetch(NONE, 2, 'xchg'),
  __sync_lock_release: onObject(NONE, [1, 1], asVoid, function* (st, t, [p], w) {
    yield* write(st, p, t, 0, w);
    return undefined;
  }),
  __sync_val_compare_and_swap: onObject(NONE, [3, 3], same, function* (st, t, [p, o, v], w) {
    return yield* rmwAt(st, p, t, 'cas', v, w, o);
  }),
  __sync_bool_compare_and_swap: onObject(NONE, [3, 3], asBool, function* (st, t, [p, o, v], w) {
    const old = yield* rmwAt(st, p, t, 'cas', v, w, o);
    return Number(old) === Number(o) || old === o ? 1 : 0;
  }),
};
for (const op of ['add', 'sub', 'and', 'or', 'xor', 'nand'] as const) {
  GCC[`__atomic_fetch_${op}`] = fetch(NONE, 3, op);
  GCC[`__atomic_${op}_fetch`] = fetch(NONE, 3, op, true);
  GCC[`__sync_fetch_and_${op}`] = fetch(NONE, 2, op);
  GCC[`__sync_${op}_and_fetch`] = fetch(NONE, 2, op, true);
}

export const ATOMICS: Record<string, Builtin> = { ...C11, ...GCC };
