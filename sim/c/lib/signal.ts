// The library calls: signals, the sleep family, and the header macros used as calls (assert, TEMP_FAILURE_RETRY).
import * as L from '../../api/index.ts';
import { type Builtin, gen } from '../forms.ts';
import { H, lib, sigName, sysret } from './core.ts';
import { field, named } from '../parse.ts';
import { CRuntimeError, isShr, read, truthy } from '../runtime.ts';
import { BUILTIN_STRUCTS, T, voidPtr } from '../types.ts';
import { SIG_IGN_VALUE } from '../consts.ts';
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
      const h = yield* read(
        cx.statics,
        isShr(act)
          ? { s: act.s, p: [...act.p, 'sa_handler'] }
          : {
              box: (act as { box: Record<string, unknown>; key: string }).box[(act as { key: string }).key] as Record<
                string,
                unknown
              >,
              key: 'sa_handler',
            },
        voidPtr,
        where,
      );
      const d = disposition(cx, h, where, sig, name);
      if (d === 'einval') {
        fr.ctx.errno = L.EINVAL;
        return -1;
      }
      return yield* L.sigaction(name, d);
    },
    { arity: [3, 3] },
  ),
  sigemptyset: lib(
    H.signal,
    T.int,
    function* () {
      return 0;
    },
    { arity: [1, 1] },
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
