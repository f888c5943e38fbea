// The library calls: fork and its variants, atfork, waitpid and the wait macros, exit and atexit, exec.
import * as L from '../../api/index.ts';
import { type Builtin, gen } from '../forms.ts';
import { argvOf, doExit, evalArgs, execCall, H, lib, pidT, storeOut, stringArg } from './core.ts';
import { CRuntimeError, isFn } from '../runtime.ts';
import { charPtr, T } from '../types.ts';

/**
 * The environment is memory of the process (environ and its strings): fork copies it, and a thread's
 * setenv races with another's getenv like any store and load. One cell per name. The simulated
 * program starts with an empty environment (no variable is set); exec does not carry it over.
 */
const envCell = (name: string) => L.cell<string | null>(`__environ:${name}`, null);

export const PROCESSES: Record<string, Builtin> = {
  // ---- the environment
  getenv: lib(
    H.stdlib,
    charPtr,
    function* (_fr, [name], cx, where) {
      const v = yield* L.load(envCell(yield* stringArg(cx, name, where)));
      return v === null ? 0 : { str: v, i: 0 };
    },
    { arity: [1, 1] },
  ),
  setenv: lib(
    H.stdlib,
    T.int,
    function* (fr, [name, value, overwrite], cx, where) {
      const n = yield* stringArg(cx, name, where);
      if (n === '' || n.includes('=')) {
        fr.ctx.errno = L.EINVAL;
        return -1;
      }
      const c = envCell(n);
      if (Number(overwrite) !== 0 || (yield* L.load(c)) === null) yield* L.store(c, yield* stringArg(cx, value, where));
      return 0;
    },
    { arity: [3, 3] },
  ),
  unsetenv: lib(
    H.stdlib,
    T.int,
    function* (fr, [name], cx, where) {
      const n = yield* stringArg(cx, name, where);
      if (n === '' || n.includes('=')) {
        fr.ctx.errno = L.EINVAL;
        return -1;
      }
      yield* L.store(envCell(n), null);
      return 0;
    },
    { arity: [1, 1] },
  ),
  // ---- processes
  fork: lib(
    H.unistd,
    pidT,
    function* () {
      return yield* L.fork();
    },
    { arity: [0, 0] },
  ),
  vfork: lib(
    H.unistd,
    pidT,
    function* () {
      return yield* L.fork();
    },
    { arity: [0, 0] },
  ),
  _Fork: lib(
    H.unistd,
    pidT,
    function* () {
      return yield* L._Fork();
    },
    { arity: [0, 0] },
  ),
  kernel_fork: lib(
    H.fl,
    pidT,
    function* () {
      return yield* L.fork();
    },
    { arity: [0, 0] },
  ),
  clone_connection: lib(
    H.fl,
    T.int,
    function* () {
      return yield* L.clone_connection();
    },
    { arity: [0, 0] },
  ),
  pthread_atfork: lib(
    H.pthread,
    T.int,
    function* (_fr, [p, a, c], cx, where) {
      return yield* L.pthread_atfork(cx.handler(p, where), cx.handler(a, where), cx.handler(c, where));
    },
    { arity: [3, 3] },
  ),
  waitpid: lib(
    H.wait,
    pidT,
    function* (fr, [pid, status, options], cx, where) {
      if ((Number(options) & ~L.WNOHANG) !== 0)
        throw new CRuntimeError(`${where}: waitpid options (${String(options)}) other than WNOHANG are not modelled`);
      const r = yield* L.waitpid(Number(pid), Number(options));
      if (r.pid === 0) return 0;
      if (r.pid === -1) {
        fr.ctx.errno = (r as { errno?: number }).errno ?? L.ECHILD;
        return -1;
      }
      yield* storeOut(fr, cx, status, T.int, r.status, where);
      return r.pid;
    },
    { arity: [3, 3] },
  ),
  wait: lib(
    H.wait,
    pidT,
    function* (fr, [status], cx, where) {
      const r = yield* L.waitpid(-1);
      if (r.pid === -1) {
        fr.ctx.errno = (r as { errno?: number }).errno ?? L.ECHILD;
        return -1;
      }
      yield* storeOut(fr, cx, status, T.int, r.status, where);
      return r.pid;
    },
    { arity: [1, 1] },
  ),
  WIFEXITED: lib(
    H.waitStatus,
    T.int,
    function* (_fr, [s]) {
      return L.WIFEXITED(Number(s)) ? 1 : 0;
    },
    { arity: [1, 1] },
  ),
  WEXITSTATUS: lib(
    H.waitStatus,
    T.int,
    function* (_fr, [s]) {
      return L.WEXITSTATUS(Number(s));
    },
    { arity: [1, 1] },
  ),
  WIFSIGNALED: lib(
    H.waitStatus,
    T.int,
    function* (_fr, [s]) {
      return L.WIFSIGNALED(Number(s)) ? 1 : 0;
    },
    { arity: [1, 1] },
  ),
  WTERMSIG: lib(
    H.waitStatus,
    T.int,
    function* (_fr, [s]) {
      return L.WTERMSIG(Number(s));
    },
    { arity: [1, 1] },
  ),
  exit: lib(
    H.stdlib,
    T.void,
    function* (fr, [s], cx) {
      return yield* doExit(fr, cx, Number(s));
    },
    { arity: [1, 1] },
  ),
  _exit: lib(
    H.unistd,
    T.void,
    function* (_fr, [s]) {
      return yield* L._exit(Number(s) & 0xff);
    },
    { arity: [1, 1] },
  ),
  _Exit: lib(
    H.stdlib,
    T.void,
    function* (_fr, [s]) {
      return yield* L._exit(Number(s) & 0xff);
    },
    { arity: [1, 1] },
  ),
  abort: lib(
    H.stdlib,
    T.void,
    function* () {
      yield* L.raise(L.SIGABRT);
      return yield* L._exit(134);
    },
    { arity: [0, 0] },
  ),
  atexit: {
    h: H.stdlib,
    c: (cx, args, n, where) => {
      cx.usesAtexit = true;
      if (args.length !== 1) cx.err(n, 'atexit takes 1 argument');
      return gen(T.int, function* (fr) {
        const [f] = yield* evalArgs(args, fr);
        if (!isFn(f) || !cx.fns.get(f.fn)?.node)
          throw new CRuntimeError(`${where}: atexit needs a function of this file`);
        const c = L.cell('__atexit_handlers', [] as string[]);
        const list = (yield* L.load(c)) ?? [];
        yield* L.store(c, [...list, f.fn]);
        return 0;
      });
    },
  },
  execve: lib(
    H.unistd,
    T.int,
    function* (fr, [path, argv], cx, where) {
      return yield* execCall(fr, cx, yield* stringArg(cx, path, where), yield* argvOf(cx, argv, where));
    },
    { arity: [3, 3] },
  ),
  execv: lib(
    H.unistd,
    T.int,
    function* (fr, [path, argv], cx, where) {
      return yield* execCall(fr, cx, yield* stringArg(cx, path, where), yield* argvOf(cx, argv, where));
    },
    { arity: [2, 2] },
  ),
  execvp: lib(
    H.unistd,
    T.int,
    function* (fr, [path, argv], cx, where) {
      return yield* execCall(fr, cx, yield* stringArg(cx, path, where), yield* argvOf(cx, argv, where));
    },
    { arity: [2, 2] },
  ),
  execl: lib(H.unistd, T.int, function* (fr, [path, ...rest], cx, where) {
    const argv: string[] = [];
    for (const a of rest) {
      if (a === 0 || a === null) break;
      argv.push(yield* stringArg(cx, a, where));
    }
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), argv);
  }),
  execlp: lib(H.unistd, T.int, function* (fr, [path, ...rest], cx, where) {
    const argv: string[] = [];
    for (const a of rest) {
      if (a === 0 || a === null) break;
      argv.push(yield* stringArg(cx, a, where));
    }
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), argv);
  }),
};
