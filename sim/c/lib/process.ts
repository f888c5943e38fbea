// The library calls: fork and its variants, atfork, waitpid and the wait macros, exit and atexit, exec.
import * as L from '../../api/index.ts';
import { type Builtin, gen } from '../forms.ts';
import {
  argvOf,
  doExit,
  envCell,
  envpOf,
  evalArgs,
  execCall,
  getenv,
  H,
  lib,
  pidT,
  storeOut,
  stringArg,
} from './core.ts';
import { CRuntimeError, type G, isFn } from '../runtime.ts';
import { charPtr, T } from '../types.ts';

/** The exec calls that take a list (execl, execlp, execle): the arguments up to NULL, and what follows it. */
function* listArgs(
  cx: Parameters<typeof stringArg>[0],
  rest: unknown[],
  where: string,
): G<{ argv: string[]; after: unknown[] }> {
  const argv: string[] = [];
  let i = 0;
  for (; i < rest.length; i++) {
    const a = rest[i];
    if (a === 0 || a === null) break;
    argv.push(yield* stringArg(cx, a, where));
  }
  return { argv, after: rest.slice(i + 1) };
}

const EXECVE = lib(
  H.unistd,
  T.int,
  function* (fr, [path, argv, envp], cx, where) {
    const p = yield* stringArg(cx, path, where);
    return yield* execCall(fr, cx, p, yield* argvOf(cx, argv, where), yield* envpOf(cx, envp, where));
  },
  { arity: [3, 3] },
);

export const PROCESSES: Record<string, Builtin> = {
  // ---- the environment
  getenv: lib(
    H.stdlib,
    charPtr,
    function* (_fr, [name], cx, where) {
      const v = yield* getenv(yield* stringArg(cx, name, where));
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
      const c = yield* envCell(n, true);
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
      yield* L.store(yield* envCell(n, true), null);
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
  // execve's envp is the new image's environment: its getenv sees it (fs/exec.c copies envp to the new stack).
  execve: EXECVE,
  // execvpe's PATH search finds the file as execve is given it: only /proc/self/exe runs in the model.
  execvpe: EXECVE,
  execle: lib(H.unistd, T.int, function* (fr, [path, ...rest], cx, where) {
    const { argv, after } = yield* listArgs(cx, rest, where);
    if (after.length !== 1)
      throw new CRuntimeError(`${where}: execle takes envp after the NULL that ends its arguments`);
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), argv, yield* envpOf(cx, after[0], where));
  }),
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
    const { argv } = yield* listArgs(cx, rest, where);
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), argv);
  }),
  execlp: lib(H.unistd, T.int, function* (fr, [path, ...rest], cx, where) {
    const { argv } = yield* listArgs(cx, rest, where);
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), argv);
  }),
};
