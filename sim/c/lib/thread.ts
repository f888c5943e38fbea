// The library calls: threads, mutexes (and their attributes), condition variables, semaphores.
import * as L from '../../api/index.ts';
import { MUTEX_KIND } from '../consts.ts';
import type { Builtin } from '../forms.ts';
import { condHandle, doExit, H, lib, pidT, semHandle, storeOut } from './core.ts';
import { CRuntimeError, describe, isFn, isPriv, mutexOf } from '../runtime.ts';
import { BUILTIN_TYPEDEFS, T, voidPtr } from '../types.ts';

export const THREADS: Record<string, Builtin> = {
  // ---- threads
  pthread_create: lib(
    H.pthread,
    T.int,
    function* (fr, [th, attr, fn, arg], cx, where) {
      if (attr !== 0 && attr !== null) void attr;
      if (!isFn(fn))
        throw new CRuntimeError(`${where}: the thread function is ${describe(fn)}, not a function of this file`);
      const g = cx.entry(fn.fn, 'thread', where);
      const tid = yield* L.pthread_create(g, arg);
      yield* storeOut(fr, cx, th, BUILTIN_TYPEDEFS.pthread_t!, tid, where);
      return 0;
    },
    { esc: [3], arity: [4, 4] },
  ),
  pthread_join: lib(
    H.pthread,
    T.int,
    function* (fr, [tid, ret], cx, where) {
      const v = yield* L.pthread_join(Number(tid));
      if (v instanceof L.JoinError) return v.errno;
      yield* storeOut(fr, cx, ret, voidPtr, v === null || v === undefined ? 0 : v, where);
      return 0;
    },
    { arity: [2, 2] },
  ),
  pthread_exit: lib(
    H.pthread,
    T.void,
    function* (fr, [v], cx) {
      // The last thread's pthread_exit ends in exit (0) (start_thread, or __libc_start_call_main).
      if (cx.usesAtexit && (yield* L.lastThread())) return yield* doExit(fr, cx, 0);
      return yield* L.pthread_exit(v ?? 0);
    },
    { arity: [1, 1] },
  ),
  pthread_self: lib(
    H.pthread,
    BUILTIN_TYPEDEFS.pthread_t!,
    function* () {
      return yield* L.pthread_self();
    },
    { arity: [0, 0] },
  ),
  pthread_equal: lib(
    H.pthread,
    T.int,
    function* (_fr, [a, b]) {
      return a === b ? 1 : 0;
    },
    { arity: [2, 2] },
  ),
  pthread_detach: lib(
    H.pthread,
    T.int,
    function* (_fr, [tid]) {
      return yield* L.pthread_detach(Number(tid));
    },
    { arity: [1, 1] },
  ),
  pthread_attr_setdetachstate: lib(H.pthread, T.int, function* (_fr, _a, _cx, where) {
    throw new CRuntimeError(
      `${where}: pthread_attr_setdetachstate is not modelled by the simulator (create the thread, then pthread_detach it)`,
    );
  }),
  pthread_attr_init: lib(H.pthread, T.int, function* () {
    return 0;
  }),
  pthread_attr_destroy: lib(H.pthread, T.int, function* () {
    return 0;
  }),
  // A thread's stack size changes nothing the model sees (the attribute is not even passed on).
  pthread_attr_setstacksize: lib(
    H.pthread,
    T.int,
    function* () {
      return 0;
    },
    { arity: [2, 2] },
  ),
  gettid: lib(
    H.unistd,
    pidT,
    function* () {
      return yield* L.gettid();
    },
    { arity: [0, 0] },
  ),
  getpid: lib(
    H.unistd,
    pidT,
    function* () {
      return yield* L.getpid();
    },
    { arity: [0, 0] },
  ),
  getppid: lib(
    H.unistd,
    pidT,
    function* () {
      return yield* L.getppid();
    },
    { arity: [0, 0] },
  ),

  // ---- mutexes
  pthread_mutex_lock: lib(
    H.pthread,
    T.int,
    function* (_fr, [m], cx, where) {
      return yield* L.pthread_mutex_lock(mutexOf(cx.statics, m, where));
    },
    { arity: [1, 1] },
  ),
  pthread_mutex_trylock: lib(
    H.pthread,
    T.int,
    function* (_fr, [m], cx, where) {
      return yield* L.pthread_mutex_trylock(mutexOf(cx.statics, m, where));
    },
    { arity: [1, 1] },
  ),
  pthread_mutex_unlock: lib(
    H.pthread,
    T.int,
    function* (_fr, [m], cx, where) {
      return yield* L.pthread_mutex_unlock(mutexOf(cx.statics, m, where));
    },
    { arity: [1, 1] },
  ),
  pthread_mutex_init: lib(
    H.pthread,
    T.int,
    function* (_fr, [m, attr], cx, where) {
      const type = (attr === 0 || attr === null ? 'normal' : attrKind(attr, where)) as
        'normal' | 'recursive' | 'errorcheck';
      return yield* L.pthread_mutex_init(mutexOf(cx.statics, m, where), { type });
    },
    { arity: [2, 2] },
  ),
  pthread_mutex_destroy: lib(
    H.pthread,
    T.int,
    function* () {
      return 0;
    },
    { arity: [1, 1] },
  ),
  pthread_mutexattr_init: lib(
    H.pthread,
    T.int,
    function* (_fr, [a], _cx, where) {
      setAttr(a, 'normal', where);
      return 0;
    },
    { arity: [1, 1] },
  ),
  pthread_mutexattr_destroy: lib(
    H.pthread,
    T.int,
    function* () {
      return 0;
    },
    { arity: [1, 1] },
  ),
  pthread_mutexattr_settype: lib(
    H.pthread,
    T.int,
    function* (_fr, [a, kind], _cx, where) {
      const k = MUTEX_KIND[Number(kind)];
      if (!k) return L.EINVAL;
      setAttr(a, k, where);
      return 0;
    },
    { arity: [2, 2] },
  ),

  // ---- condition variables and semaphores
  pthread_cond_wait: lib(
    H.pthread,
    T.int,
    function* (_fr, [c, m], cx, where) {
      return yield* L.pthread_cond_wait(condHandle(c, where), mutexOf(cx.statics, m, where));
    },
    { arity: [2, 2] },
  ),
  pthread_cond_signal: lib(
    H.pthread,
    T.int,
    function* (_fr, [c], _cx, where) {
      return yield* L.pthread_cond_signal(condHandle(c, where));
    },
    { arity: [1, 1] },
  ),
  pthread_cond_broadcast: lib(
    H.pthread,
    T.int,
    function* (_fr, [c], _cx, where) {
      return yield* L.pthread_cond_broadcast(condHandle(c, where));
    },
    { arity: [1, 1] },
  ),
  pthread_cond_init: lib(
    H.pthread,
    T.int,
    function* (_fr, [c, attr], _cx, where) {
      const h = condHandle(c, where);
      if (attr !== 0 && attr !== null)
        throw new CRuntimeError(`${where}: condition variable attributes are not modelled (pass NULL)`);
      return yield* L.pthread_cond_init(h);
    },
    { arity: [2, 2] },
  ),
  pthread_cond_destroy: lib(
    H.pthread,
    T.int,
    function* () {
      return 0;
    },
    { arity: [1, 1] },
  ),
  sem_init: lib(
    H.sem,
    T.int,
    function* (_fr, [s, _pshared, value], cx, where) {
      return yield* L.sem_init(yield* semHandle(cx, s, where), Number(value));
    },
    { arity: [3, 3] },
  ),
  sem_destroy: lib(
    H.sem,
    T.int,
    function* () {
      return 0;
    },
    { arity: [1, 1] },
  ),
  sem_wait: lib(
    H.sem,
    T.int,
    function* (_fr, [s], cx, where) {
      return yield* L.sem_wait(yield* semHandle(cx, s, where));
    },
    { arity: [1, 1] },
  ),
  sem_trywait: lib(
    H.sem,
    T.int,
    function* (fr, [s], cx, where) {
      const r = yield* L.sem_trywait(yield* semHandle(cx, s, where));
      if (r !== 0) {
        fr.ctx.errno = L.EAGAIN;
        return -1;
      }
      return 0;
    },
    { arity: [1, 1] },
  ),
  sem_post: lib(
    H.sem,
    T.int,
    function* (_fr, [s], cx, where) {
      return yield* L.sem_post(yield* semHandle(cx, s, where));
    },
    { arity: [1, 1] },
  ),
};

function setAttr(a: unknown, kind: string, where: string): void {
  if (isPriv(a)) {
    a.box[a.key] = { type: kind };
    return;
  }
  throw new CRuntimeError(`${where}: a pthread_mutexattr_t must be a local variable`);
}
function attrKind(a: unknown, where: string): string {
  if (isPriv(a)) {
    const o = a.box[a.key] as { type?: string } | undefined;
    return o?.type ?? 'normal';
  }
  throw new CRuntimeError(`${where}: a pthread_mutexattr_t must be a local variable`);
}
