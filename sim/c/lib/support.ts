// glibc's test support library (support/ in glibc 2.36), which glibc's own tests include:
// <support/check.h> (TEST_VERIFY, TEST_COMPARE, TEST_COMPARE_BLOB, FAIL_EXIT1, ...), <support/xunistd.h>,
// <support/xthread.h>, <support/temp_file.h>, <support/xsignal.h> and <array_length.h>. Each function
// does what glibc's support/*.c does, through the same library calls (printf under stdout's lock,
// malloc, mkstemp). The headers' macros are in sim/c/pp/directive.ts (SUPPORT_MACROS).
//
// support/support_record_failure.c keeps the failure record in a MAP_SHARED | MAP_ANONYMOUS page
// mapped by an ELF constructor, so that a child's failure counts for the parent: here a shared cell
// (sys/shm:...), one for every process. The test driver's support_report_failure turns a recorded
// failure into exit status 1. Its counter is an atomic add in glibc; here a load and a store (the
// world has no read-modify-write step), which can only undercount the number the message prints.
import * as L from '../../api/index.ts';
import type { Compiler } from '../compile.ts';
import type { Builtin, Frame } from '../forms.ts';
import { doExit, doPrintf, getenv, lib, storeOut, stringArg, sysret } from './core.ts';
import { bytesArg } from './bytes.ts';
import { CRuntimeError, describe, type G, isFn, offset, strerror, write } from '../runtime.ts';
import { BUILTIN_TYPEDEFS, charPtr, T, voidPtr } from '../types.ts';

const CHECK = ['support/check.h'];
const XUNISTD = ['support/xunistd.h'];
const XTHREAD = ['support/xthread.h'];
const TEMP = ['support/temp_file.h'];
const XSIGNAL = ['support/xsignal.h'];

const FAILED = L.sharedCell('support:state->failed', 0);
const COUNTER = L.sharedCell('support:state->counter', 0);

function* recordFailure(): G<void> {
  yield* L.store(FAILED, 1);
  yield* L.store(COUNTER, (Number(yield* L.load(COUNTER)) + 1) >>> 0);
}

/** support_report_failure: run by the test driver on do_test's value. */
export function* reportFailure(status: number): G<number> {
  if (!(yield* L.load(FAILED))) return status;
  yield* L.printf(`error: ${String(yield* L.load(COUNTER))} test failures\n`);
  return status === 0 || status === 77 ? 1 : status;
}

/** support/check.c print_failure: "error: FILE:LINE: " + the message + "\n", three printf calls. */
function* printFailure(
  fr: Frame,
  cx: Compiler,
  file: unknown,
  line: unknown,
  fmt: unknown,
  rest: unknown[],
  where: string,
): G<void> {
  const saved = fr.ctx.errno;
  yield* L.printf(`error: ${yield* stringArg(cx, file, where)}:${Number(line)}: `);
  yield* L.printf(yield* doPrintf(fr, cx, fmt, rest, where));
  yield* L.printf('\n');
  fr.ctx.errno = saved;
}

/** FAIL_EXIT1 (message) at `at` (support/FILE.c:LINE in glibc 2.36): support_exit_failure_impl (1, ...). */
function* failExit1(fr: Frame, cx: Compiler, at: string, msg: string): G<never> {
  yield* recordFailure();
  yield* L.printf(`error: ${at}: `);
  yield* L.printf(msg);
  yield* L.printf('\n');
  return yield* doExit(fr, cx, 1);
}

const m = (fr: Frame) => strerror(fr.ctx.errno);

/** x-wrappers that fail the test on -1, as support/x*.c do (FAIL_EXIT1 with glibc's message). */
function checked(
  h: string[],
  file: string,
  ret: Parameters<typeof lib>[1],
  arity: [number, number],
  call: (fr: Frame, a: unknown[], cx: Compiler, where: string) => G<{ r: number; msg: () => string }>,
): Builtin {
  return lib(
    h,
    ret,
    function* (fr, a, cx, where) {
      const { r, msg } = yield* call(fr, a, cx, where);
      if (r < 0) return yield* failExit1(fr, cx, file, msg());
      return r;
    },
    { arity },
  );
}

/** xpthread_check_return: a pthread call's non-zero result is its errno, and the test fails. */
function* pthreadCheck(fr: Frame, cx: Compiler, fn: string, r: number): G<void> {
  if (r === 0) return;
  fr.ctx.errno = r;
  yield* failExit1(fr, cx, 'xpthread_check_return.c:32', `${fn}: ${m(fr)}`);
}

const ull = (v: number, positive: number, size: number) => {
  const b = BigInt.asUintN(size * 8, BigInt(Math.trunc(v)));
  return `${positive ? BigInt.asUintN(64, BigInt(Math.trunc(v))) : String(Math.trunc(v))} (0x${b.toString(16)})`;
};

export const SUPPORT: Record<string, Builtin> = {
  support_record_failure: lib(
    CHECK,
    T.void,
    function* () {
      yield* recordFailure();
      return undefined;
    },
    { arity: [0, 0] },
  ),
  support_test_verify_impl: lib(
    CHECK,
    T.void,
    function* (fr, [file, line, expr], cx, where) {
      const saved = fr.ctx.errno;
      yield* recordFailure();
      yield* L.printf(
        `error: ${yield* stringArg(cx, file, where)}:${Number(line)}: not true: ${yield* stringArg(cx, expr, where)}\n`,
      );
      fr.ctx.errno = saved;
      return undefined;
    },
    { arity: [3, 3] },
  ),
  support_test_verify_exit_impl: lib(
    CHECK,
    T.void,
    function* (fr, [status, file, line, expr], cx, where) {
      yield* recordFailure();
      yield* L.printf(
        `error: ${yield* stringArg(cx, file, where)}:${Number(line)}: not true: ${yield* stringArg(cx, expr, where)}\n`,
      );
      return yield* doExit(fr, cx, Number(status));
    },
    { arity: [4, 4] },
  ),
  support_print_failure_impl: lib(CHECK, T.int, function* (fr, [file, line, fmt, ...rest], cx, where) {
    yield* recordFailure();
    yield* printFailure(fr, cx, file, line, fmt, rest, where);
    return 1;
  }),
  support_exit_failure_impl: lib(CHECK, T.void, function* (fr, [status, file, line, fmt, ...rest], cx, where) {
    const s = Number(status);
    if (s !== 0 && s !== 77) yield* recordFailure();
    yield* printFailure(fr, cx, file, line, fmt, rest, where);
    return yield* doExit(fr, cx, s);
  }),
  // support/support_test_compare_failure.c
  support_test_compare_failure: lib(
    CHECK,
    T.void,
    function* (fr, [file, line, lexp, lv, lp, ls, rexp, rv, rp, rs], cx, where) {
      const saved = fr.ctx.errno;
      yield* recordFailure();
      const f = yield* stringArg(cx, file, where);
      const [lsz, rsz] = [Number(ls), Number(rs)];
      yield* L.printf(
        lsz !== rsz
          ? `${f}:${Number(line)}: numeric comparison failure (widths ${lsz * 8} and ${rsz * 8})\n`
          : `${f}:${Number(line)}: numeric comparison failure\n`,
      );
      yield* L.printf(`   left: ${ull(Number(lv), Number(lp), lsz)}; from: ${yield* stringArg(cx, lexp, where)}\n`);
      yield* L.printf(`  right: ${ull(Number(rv), Number(rp), rsz)}; from: ${yield* stringArg(cx, rexp, where)}\n`);
      fr.ctx.errno = saved;
      return undefined;
    },
    { arity: [10, 10] },
  ),
  // support/support_test_compare_blob.c
  support_test_compare_blob: lib(
    CHECK,
    T.void,
    function* (_fr, [l, ll, r, rl, file, line, lexp, llexp, rexp, rlexp], cx, where) {
      const [ln, rn] = [Number(ll), Number(rl)];
      if (ln === 0 && rn === 0) return undefined;
      const lb = l === 0 || l === null ? null : yield* bytesArg(cx, l, ln, where);
      const rb = r === 0 || r === null ? null : yield* bytesArg(cx, r, rn, where);
      if (ln === rn && lb !== null && rb !== null && lb === rb) return undefined;
      yield* recordFailure();
      yield* L.printf(`${yield* stringArg(cx, file, where)}:${Number(line)}: error: blob comparison failed\n`);
      if (ln === rn) yield* L.printf(`  blob length: ${ln} bytes\n`);
      else {
        yield* L.printf(`  left length:  ${ln} bytes (from ${yield* stringArg(cx, llexp, where)})\n`);
        yield* L.printf(`  right length: ${rn} bytes (from ${yield* stringArg(cx, rlexp, where)})\n`);
      }
      for (const [what, b, n, e] of [
        ['left', lb, ln, lexp],
        ['right', rb, rn, rexp],
      ] as const) {
        const ex = yield* stringArg(cx, e, where);
        if (b === null && n > 0) yield* L.printf(`  ${what} (evaluated from ${ex}): NULL\n`);
        else if (b !== null && n > 0) {
          yield* L.printf(`  ${what} (evaluated from ${ex}):\n`);
          yield* L.printf(`      "${JSON.stringify(b).slice(1, -1)}"\n`);
          yield* L.printf(
            `     ${[...b].map((c) => ` ${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join('')}\n`,
          );
        }
      }
      return undefined;
    },
    { arity: [10, 10] },
  ),

  // ---- <support/xunistd.h>
  xfork: checked(XUNISTD, 'xfork.c:30', BUILTIN_TYPEDEFS.pid_t!, [0, 0], function* (fr) {
    const r = yield* L.fork();
    return { r, msg: () => `fork: ${m(fr)}` };
  }),
  xwaitpid: checked(
    XUNISTD,
    'xwaitpid.c:31',
    BUILTIN_TYPEDEFS.pid_t!,
    [3, 3],
    function* (fr, [pid, st, flags], cx, where) {
      const w = yield* L.waitpid(Number(pid), Number(flags));
      if (w.pid < 0) fr.ctx.errno = (w as { errno?: number }).errno ?? L.ECHILD;
      if (w.pid > 0) yield* storeOut(fr, cx, st, T.int, w.status, where);
      return { r: w.pid, msg: () => `waitpid: ${m(fr)}\n` };
    },
  ),
  xwrite: lib(
    XUNISTD,
    T.void,
    function* (fr, [fd, buf, len], cx, where) {
      const n = Number(len);
      const text = yield* bytesArg(cx, buf, n, where);
      for (let p = 0; p < n;) {
        const r = sysret(fr, yield* L.write(Number(fd), text.slice(p)), L.EBADF);
        if (r < 0) return yield* failExit1(fr, cx, 'xwrite.c:32', `write of ${n} bytes failed after ${p}: ${m(fr)}`);
        if (r === 0) return yield* failExit1(fr, cx, 'xwrite.c:35', `write return 0 after writing ${p} bytes of ${n}`);
        p += r;
      }
      return undefined;
    },
    { arity: [3, 3] },
  ),
  xlseek: checked(XUNISTD, 'xlseek.c:27', T.long, [3, 3], function* (fr, [fd, off, whence]) {
    const r = sysret(fr, yield* L.lseek(Number(fd), Number(off), Number(whence)), L.EBADF);
    return { r, msg: () => `lseek64 (${Number(fd)}, ${Number(off)}, ${Number(whence)}): ${m(fr)}` };
  }),
  xclose: checked(XUNISTD, 'xclose.c:27', T.void, [1, 1], function* (fr, [fd]) {
    const r = sysret(fr, yield* L.close(Number(fd)), L.EBADF);
    return {
      r: r < 0 && fr.ctx.errno === L.EINTR ? 0 : r,
      msg: () => `close of descriptor ${Number(fd)} failed: ${m(fr)}`,
    };
  }),
  xopen: checked(XUNISTD, 'xopen.c:28', T.int, [3, 3], function* (fr, [path, flags, mode], cx, where) {
    const p = yield* stringArg(cx, path, where);
    const r = sysret(fr, yield* L.open(p, Number(flags)), L.ENOENT);
    return { r, msg: () => `open64 ("${p}", 0x${Number(flags).toString(16)}, 0${Number(mode).toString(8)}): ${m(fr)}` };
  }),
  xunlink: checked(XUNISTD, 'xunlink.c:26', T.void, [1, 1], function* (fr, [path], cx, where) {
    const p = yield* stringArg(cx, path, where);
    return { r: sysret(fr, yield* L.unlink(p), L.ENOENT), msg: () => `unlink ("${p}"): ${m(fr)}` };
  }),
  xftruncate: checked(XUNISTD, 'xftruncate.c:26', T.void, [2, 2], function* (fr, [fd, len]) {
    const r = sysret(fr, yield* L.ftruncate(Number(fd), Number(len)), L.EBADF);
    return { r, msg: () => `ftruncate64 (${Number(fd)}, ${Number(len)}): ${m(fr)}` };
  }),
  xdup2: checked(XUNISTD, 'xdup2.c:27', T.void, [2, 2], function* (fr, [a, b]) {
    const r = sysret(fr, yield* L.dup2(Number(a), Number(b)), L.EBADF);
    return { r, msg: () => `dup2 (${Number(a)}, ${Number(b)}): ${m(fr)}` };
  }),
  xpipe: lib(
    XUNISTD,
    T.void,
    function* (_fr, [fds], cx, where) {
      const [r, w] = yield* L.pipe(0);
      yield* write(cx.statics, fds, T.int, r, where);
      yield* write(cx.statics, offset(fds, 1, where), T.int, w, where);
      return undefined;
    },
    { arity: [1, 1] },
  ),

  // ---- <support/xthread.h>: xpthread_check_return on each result
  xpthread_create: lib(
    XTHREAD,
    BUILTIN_TYPEDEFS.pthread_t!,
    function* (_fr, [_attr, fn, arg], cx, where) {
      if (!isFn(fn))
        throw new CRuntimeError(`${where}: the thread function is ${describe(fn)}, not a function of this file`);
      return yield* L.pthread_create(cx.entry(fn.fn, 'thread', where), arg);
    },
    { esc: [2], arity: [3, 3] },
  ),
  xpthread_join: lib(
    XTHREAD,
    voidPtr,
    function* (fr, [tid], cx) {
      const v = yield* L.pthread_join(Number(tid));
      if (v instanceof L.JoinError) {
        yield* pthreadCheck(fr, cx, 'pthread_join', v.errno);
        return 0;
      }
      return v === null || v === undefined ? 0 : v;
    },
    { arity: [1, 1] },
  ),

  // ---- <support/temp_file.h> (support/temp_file.c): TMPDIR's directory, else /tmp
  create_temp_file: lib(
    TEMP,
    T.int,
    function* (fr, [base, filename], cx, where) {
      const b = yield* stringArg(cx, base, where);
      const dir = (yield* getenv('TMPDIR')) || '/tmp';
      // xasprintf ("%s/%sXXXXXX", dir, base), then mkstemp on it.
      const tmpl = `${dir}/${b}XXXXXX`;
      const a = yield* L.malloc(tmpl.length + 1);
      const r = yield* L.mkstemp(tmpl);
      if (r.fd < 0) {
        fr.ctx.errno = -r.fd;
        yield* L.printf(`cannot open temporary file '${tmpl}': ${m(fr)}\n`);
        yield* L.free(a);
        return -1;
      }
      // add_temp_file: the list node (xcalloc) and its copy of the name (strdup).
      yield* L.malloc(32);
      yield* L.malloc(r.path.length + 1);
      if (filename !== 0 && filename !== null) yield* storeOut(fr, cx, filename, charPtr, { str: r.path, i: 0 }, where);
      else yield* L.free(a);
      return r.fd;
    },
    { arity: [2, 2] },
  ),

  // ---- <support/xsignal.h>
  xraise: checked(XSIGNAL, 'xraise.c:26', T.void, [1, 1], function* (fr, [sig]) {
    const s = Object.entries(L.SIGNUM).find(([, n]) => n === Number(sig))?.[0];
    if (!s) throw new CRuntimeError(`xraise (${Number(sig)}): the signal is not modelled`);
    return { r: sysret(fr, yield* L.raise(s), L.EINVAL), msg: () => `raise (${Number(sig)}): ${m(fr)}` };
  }),
};
