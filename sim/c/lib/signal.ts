// The library calls: signals, the sleep family, and the header macros used as calls (assert, TEMP_FAILURE_RETRY).
import * as L from '../../api/index.ts';
import { type Builtin, gen } from '../forms.ts';
import { H, lib, sigName, sysret } from './core.ts';
import { field, named } from '../parse.ts';
import { CRuntimeError, memberLoc, read, truthy, write } from '../runtime.ts';
import { BUILTIN_STRUCTS, BUILTIN_TYPEDEFS, T, voidPtr } from '../types.ts';
import { SIG_IGN_VALUE, SIG_NUMS } from '../consts.ts';
import type { Compiler } from '../compile.ts';
import type { HandlerFn } from '../../api/ops.ts';

/**
 * A signal's new action: SIG_DFL (null), SIG_IGN, or a function of this file. SIGKILL and SIGSTOP
 * cannot be caught or ignored (POSIX sigaction: EINVAL), and SIGCHLD set to SIG_IGN makes the kernel
 * reap children itself (waitpid then waits for all and fails with ECHILD), which is not modelled.
 */
function disposition(cx: Compiler, h: unknown, where: string, sig: unknown, name: string): HandlerFn | 'einval' {
  if (name === 'SIGKILL') return h === 0 || h === null ? null : 'einval';
  if (h !== SIG_IGN_VALUE) return cx.handler(h, where, Number(sig));
  if (name === 'SIGCHLD')
    throw new CRuntimeError(
      `${where}: SIGCHLD set to SIG_IGN (children reaped by the kernel, POSIX XSI) is not modelled by the simulator`,
    );
  return L.SIG_IGN;
}

const SIGSET = BUILTIN_TYPEDEFS.sigset_t!;

/** Signal names in SIGNUM order, unique. */
function sorted(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => (L.SIGNUM[a] ?? 99) - (L.SIGNUM[b] ?? 99));
}

/** A sigset_t's value as names: an array the set functions wrote, or empty (never filled). */
function setOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s in L.SIGNUM) : [];
}

const HOW: Record<number, L.SigmaskHow> = { 0: 'block', 1: 'unblock', 2: 'setmask' };

/** pthread_sigmask's body: 0 or the error number. */
function* sigmask(
  cx: Compiler,
  how: unknown,
  set: unknown,
  old: unknown,
  where: string,
): Generator<unknown, number, unknown> {
  const given = set === 0 || set === null ? null : setOf(yield* read(cx.statics, set, SIGSET, where));
  const h = HOW[Number(how)];
  if (given !== null && h === undefined) return L.EINVAL;
  const before = yield* L.pthread_sigmask(h ?? 'block', given);
  if (old !== 0 && old !== null) yield* write(cx.statics, old, SIGSET, before, where);
  return 0;
}

export const SIGNALS: Record<string, Builtin> = {
  // ---- signals
  signal: lib(
    H.signal,
    voidPtr,
    function* (fr, [sig, h], cx, where) {
      const name = sigName(sig, where);
      const d = disposition(cx, h, where, sig, name);
      if (d === 'einval') {
        fr.ctx.errno = L.EINVAL;
        return -1; // SIG_ERR
      }
      yield* L.sigaction(name, d);
      return 0;
    },
    { arity: [2, 2] },
  ),
  sigaction: lib(
    H.signal,
    T.int,
    function* (fr, [sig, act, old], cx, where) {
      const name = sigName(sig, where);
      if (old !== 0 && old !== null)
        throw new CRuntimeError(`${where}: sigaction's old action is not modelled (pass NULL)`);
      if (act === 0 || act === null) return 0;
      const h = yield* read(cx.statics, memberLoc(act, 'sa_handler', where), voidPtr, where);
      const d = disposition(cx, h, where, sig, name);
      if (d === 'einval') {
        fr.ctx.errno = L.EINVAL;
        return -1;
      }
      const mask = yield* read(cx.statics, memberLoc(act, 'sa_mask', where), SIGSET, where);
      return yield* L.sigaction(name, d, setOf(mask));
    },
    { arity: [3, 3] },
  ),
  // A sigset_t holds the names of its signals, sorted (SIGNUM order); one never filled is empty.
  sigemptyset: lib(
    H.signal,
    T.int,
    function* (_fr, [set], cx, where) {
      yield* write(cx.statics, set, SIGSET, [], where);
      return 0;
    },
    { arity: [1, 1] },
  ),
  sigfillset: lib(
    H.signal,
    T.int,
    function* (_fr, [set], cx, where) {
      yield* write(cx.statics, set, SIGSET, sorted(Object.keys(L.SIGNUM)), where);
      return 0;
    },
    { arity: [1, 1] },
  ),
  sigaddset: lib(
    H.signal,
    T.int,
    function* (_fr, [set, sig], cx, where) {
      const s = setOf(yield* read(cx.statics, set, SIGSET, where));
      yield* write(cx.statics, set, SIGSET, sorted([...s, sigName(sig, where)]), where);
      return 0;
    },
    { arity: [2, 2] },
  ),
  sigdelset: lib(
    H.signal,
    T.int,
    function* (_fr, [set, sig], cx, where) {
      const name = sigName(sig, where);
      const s = setOf(yield* read(cx.statics, set, SIGSET, where));
      yield* write(
        cx.statics,
        set,
        SIGSET,
        s.filter((x) => x !== name),
        where,
      );
      return 0;
    },
    { arity: [2, 2] },
  ),
  sigismember: lib(
    H.signal,
    T.int,
    function* (_fr, [set, sig], cx, where) {
      return setOf(yield* read(cx.statics, set, SIGSET, where)).includes(sigName(sig, where)) ? 1 : 0;
    },
    { arity: [2, 2] },
  ),
  // glibc's sigprocmask is pthread_sigmask on the calling thread (sysdeps/unix/sysv/linux/sigprocmask.c);
  // one answers -1 and errno, the other the error number.
  sigprocmask: lib(
    H.signal,
    T.int,
    function* (fr, [how, set, old], cx, where) {
      const r = yield* sigmask(cx, how, set, old, where);
      if (r === 0) return 0;
      fr.ctx.errno = r;
      return -1;
    },
    { arity: [3, 3] },
  ),
  pthread_sigmask: lib(
    H.signal,
    T.int,
    function* (_fr, [how, set, old], cx, where) {
      return yield* sigmask(cx, how, set, old, where);
    },
    { arity: [3, 3] },
  ),
  sigpending: lib(
    H.signal,
    T.int,
    function* (_fr, [set], cx, where) {
      yield* write(cx.statics, set, SIGSET, yield* L.sigpending(), where);
      return 0;
    },
    { arity: [1, 1] },
  ),
  sigsuspend: lib(
    H.signal,
    T.int,
    function* (fr, [set], cx, where) {
      yield* L.sigsuspend(setOf(yield* read(cx.statics, set, SIGSET, where)));
      fr.ctx.errno = L.EINTR;
      return -1;
    },
    { arity: [1, 1] },
  ),
  pause: lib(
    H.unistd,
    T.int,
    function* (fr) {
      yield* L.pause();
      fr.ctx.errno = L.EINTR;
      return -1;
    },
    { arity: [0, 0] },
  ),
  sigwait: lib(
    H.signal,
    T.int,
    function* (_fr, [set, out], cx, where) {
      const s = setOf(yield* read(cx.statics, set, SIGSET, where));
      if (s.length === 0) throw new CRuntimeError(`${where}: sigwait on an empty set waits for ever`);
      const sig = yield* L.sigwait(s);
      yield* write(cx.statics, out, T.int, SIG_NUMS[sig] ?? 0, where);
      return 0;
    },
    { arity: [2, 2] },
  ),
  kill: lib(
    H.signal,
    T.int,
    function* (fr, [pid, sig], _cx, where) {
      return sysret(fr, yield* L.kill(Number(pid), sigName(sig, where)), L.ESRCH);
    },
    { arity: [2, 2] },
  ),
  pthread_kill: lib(
    H.signal,
    T.int,
    function* (_fr, [tid, sig], _cx, where) {
      return yield* L.pthread_kill(Number(tid), sigName(sig, where));
    },
    { arity: [2, 2] },
  ),
  raise: lib(
    H.signal,
    T.int,
    function* (_fr, [sig], _cx, where) {
      return yield* L.raise(sigName(sig, where));
    },
    { arity: [1, 1] },
  ),

  // ---- time
  sleep: lib(
    H.unistd,
    T.uint,
    function* (_fr, [s]) {
      yield* L.sleep(Number(s));
      return 0;
    },
    { arity: [1, 1] },
  ),
  usleep: lib(
    H.unistd,
    T.int,
    function* (_fr, [us]) {
      return yield* L.usleep(Number(us));
    },
    { arity: [1, 1] },
  ),
  nanosleep: lib(
    H.time,
    T.int,
    function* (_fr, [ts, rem], cx, where) {
      const t = (yield* read(
        cx.statics,
        ts,
        { k: 'struct', name: 'timespec', fields: BUILTIN_STRUCTS.timespec! },
        where,
      )) as { tv_sec: number; tv_nsec: number };
      void rem;
      return yield* L.nanosleep(t.tv_sec * 1e9 + t.tv_nsec);
    },
    { arity: [2, 2] },
  ),

  // ---- macros from headers, as calls
  assert: {
    h: H.assert,
    c: (cx, _args, n) => {
      const argNs = named(field(n, 'arguments')!);
      if (argNs.length !== 1) cx.err(n, 'assert takes 1 argument');
      const e = cx.expr(argNs[0]!);
      const text = argNs[0]!.text.replace(/\s+/g, ' ');
      const p = cx.pos(n);
      const msg = `${cx.file}:${p.line}: Assertion \`${text}' failed.`;
      return gen(T.void, function* (fr) {
        L.assert(truthy(e.p ? e.p(fr) : yield* e.g!(fr)), msg);
        return undefined;
      });
    },
  },
  TEMP_FAILURE_RETRY: {
    h: H.unistd,
    c: (cx, _args, n) => {
      const argNs = named(field(n, 'arguments')!);
      if (argNs.length !== 1) cx.err(n, 'TEMP_FAILURE_RETRY takes 1 argument');
      const e = cx.expr(argNs[0]!);
      return gen(T.long, function* (fr) {
        for (;;) {
          const r = e.p ? e.p(fr) : yield* e.g!(fr);
          if (!(r === -1 && fr.ctx.errno === L.EINTR)) return r;
        }
      });
    },
  },
};
