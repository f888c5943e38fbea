// The library calls: file descriptors, stdio (printf family, FILE streams), malloc and the string functions.
import * as L from '../../api/index.ts';
import type { Builtin } from '../forms.ts';
import { doExit, doPrintf, fileOf, H, lib, sizeT, storeOut, stringArg, sysret, userFile } from './core.ts';
import * as S from '../../api/stdio.ts';
import { bytesArg, pointee, storeBytes } from './bytes.ts';
import { CRuntimeError, describe, isShr, offset, strerror, write } from '../runtime.ts';
import { BUILTIN_TYPEDEFS, charPtr, T, voidPtr } from '../types.ts';

export const IO: Record<string, Builtin> = {
  // ---- file descriptors
  open: lib(
    H.fcntl,
    T.int,
    function* (fr, [path, flags], cx, where) {
      const r = yield* L.open(yield* stringArg(cx, path, where), Number(flags ?? 0));
      return sysret(fr, r, L.ENOENT);
    },
    { arity: [2, 3] },
  ),
  close: lib(
    H.unistd,
    T.int,
    function* (fr, [fd]) {
      return sysret(fr, yield* L.close(Number(fd)), L.EBADF);
    },
    { arity: [1, 1] },
  ),
  dup: lib(
    H.unistd,
    T.int,
    function* (fr, [fd]) {
      return sysret(fr, yield* L.dup(Number(fd)), L.EBADF);
    },
    { arity: [1, 1] },
  ),
  dup2: lib(
    H.unistd,
    T.int,
    function* (fr, [a, b]) {
      return sysret(fr, yield* L.dup2(Number(a), Number(b)), L.EBADF);
    },
    { arity: [2, 2] },
  ),
  socketpair: lib(
    H.sock,
    T.int,
    function* (fr, [domain, type, _proto, sv], cx, where) {
      if (Number(domain) !== 1) throw new CRuntimeError(`${where}: only AF_UNIX socket pairs are modelled`);
      const flags = Number(type) & (L.SOCK_CLOEXEC | L.SOCK_CLOFORK);
      const [a, b] = yield* L.socketpair(flags);
      yield* write(cx.statics, sv, T.int, a, where);
      yield* write(cx.statics, offset(sv, 1, where), T.int, b, where);
      void fr;
      return 0;
    },
    { arity: [4, 4] },
  ),
  fcntl: lib(
    H.fcntl,
    T.int,
    function* (fr, [fd, cmd, arg]) {
      const r = yield* L.fcntl(Number(fd), Number(cmd), Number(arg ?? 0));
      return sysret(fr, r, L.EBADF);
    },
    { arity: [2, 3] },
  ),
  // The buffer's bytes are those of the values its pointer's type names: an int array, a struct.
  write: {
    h: H.unistd,
    c: (cx, args, n, where) =>
      lib(
        H.unistd,
        BUILTIN_TYPEDEFS.ssize_t!,
        function* (fr, [fd, buf, len]) {
          const s = yield* bytesArg(cx, buf, Number(len), where, pointee(args[1]?.t ?? voidPtr));
          return sysret(fr, yield* L.write(Number(fd), s), L.EBADF);
        },
        { arity: [3, 3] },
      ).c(cx, args, n, where),
  },

  pipe: lib(
    H.unistd,
    T.int,
    function* (_fr, [fds], cx, where) {
      const [r, w] = yield* L.pipe(0);
      yield* write(cx.statics, fds, T.int, r, where);
      yield* write(cx.statics, offset(fds, 1, where), T.int, w, where);
      return 0;
    },
    { arity: [1, 1] },
  ),
  pipe2: lib(
    H.unistd,
    T.int,
    function* (_fr, [fds, flags], cx, where) {
      if ((Number(flags) & ~(L.O_CLOEXEC | L.O_NONBLOCK)) !== 0)
        throw new CRuntimeError(`${where}: pipe2 flags other than O_CLOEXEC and O_NONBLOCK are not modelled`);
      const [r, w] = yield* L.pipe(Number(flags));
      yield* write(cx.statics, fds, T.int, r, where);
      yield* write(cx.statics, offset(fds, 1, where), T.int, w, where);
      return 0;
    },
    { arity: [2, 2] },
  ),
  read: {
    h: H.unistd,
    c: (cx, args, n, where) =>
      lib(
        H.unistd,
        BUILTIN_TYPEDEFS.ssize_t!,
        function* (fr, [fd, buf, len]) {
          const r = yield* L.read(Number(fd), Number(len));
          if (typeof r === 'number') return sysret(fr, r, L.EBADF);
          yield* storeBytes(cx, buf, r, where, pointee(args[1]?.t ?? voidPtr));
          return r.length;
        },
        { arity: [3, 3] },
      ).c(cx, args, n, where),
  },

  // ---- stdio and libc
  printf: lib(H.stdio, T.int, function* (fr, [fmt, ...rest], cx, where) {
    return yield* L.printf(yield* doPrintf(fr, cx, fmt, rest, where));
  }),
  puts: lib(
    H.stdio,
    T.int,
    function* (_fr, [s], cx, where) {
      // libio/ioputs.c: _IO_sputn of the string, then _IO_putc_unlocked of the newline.
      return yield* S.stdWrite('stdout', [yield* stringArg(cx, s, where), '\n'], 'puts');
    },
    { arity: [1, 1] },
  ),
  putchar: lib(
    H.stdio,
    T.int,
    function* (_fr, [c]) {
      const r = yield* S.stdWrite('stdout', [String.fromCharCode(Number(c) & 0xff)], 'putchar');
      return r < 0 ? -1 : Number(c) & 0xff;
    },
    { arity: [1, 1] },
  ),
  fprintf: lib(H.stdio, T.int, function* (fr, [f, fmt, ...rest], cx, where) {
    const id = userFile(f);
    if (id !== null) return yield* S.fwrite(id, yield* doPrintf(fr, cx, fmt, rest, where), 'fprintf');
    const stream = fileOf(f, where);
    const text = yield* doPrintf(fr, cx, fmt, rest, where);
    if (stream === null) throw new CRuntimeError(`${where}: fprintf to a null FILE pointer`);
    if (stream === 'stdin') throw new CRuntimeError(`${where}: fprintf to stdin, a stream opened for reading`);
    // vfprintf takes the FILE lock of the stream it writes to (sim/api/index.ts fprintf).
    return yield* S.stdWrite(stream, [text], 'fprintf');
  }),
  dprintf: lib(H.stdio, T.int, function* (fr, [fd, fmt, ...rest], cx, where) {
    return sysret(fr, yield* L.write(Number(fd), yield* doPrintf(fr, cx, fmt, rest, where)), L.EBADF);
  }),
  snprintf: lib(H.stdio, T.int, function* (fr, [buf, n, fmt, ...rest], cx, where) {
    const text = yield* doPrintf(fr, cx, fmt, rest, where);
    const max = Number(n);
    let l = buf;
    const m = Math.min(text.length, Math.max(0, max - 1));
    for (let i = 0; i < m; i++) {
      yield* write(cx.statics, l, T.char, text.charCodeAt(i), where);
      l = offset(l, 1, where);
    }
    if (max > 0) yield* write(cx.statics, l, T.char, 0, where);
    return text.length;
  }),
  fflush: lib(
    H.stdio,
    T.int,
    function* (_fr, [f], _cx, where) {
      const id = userFile(f);
      if (id !== null) return yield* S.fflushFile(id);
      return yield* L.fflush(fileOf(f, where) as 'stdout' | 'stderr' | null);
    },
    { arity: [1, 1] },
  ),
  perror: lib(
    H.stdio,
    T.void,
    function* (fr, [s], cx, where) {
      const p = s === 0 ? '' : `${yield* stringArg(cx, s, where)}: `;
      yield* L.write(2, `${p}${strerror(fr.ctx.errno)}\n`);
      return undefined;
    },
    { arity: [1, 1] },
  ),
  // glibc misc/error.c: flush stdout, then "PROGRAM: MESSAGE[: strerror(errnum)]\n" on stderr, and
  // exit(status) when status is not 0. The program's name is the file's, without ".c".
  error: lib(H.error, T.void, function* (fr, [status, errnum, fmt, ...rest], cx, where) {
    yield* L.fflush('stdout');
    const msg = yield* doPrintf(fr, cx, fmt, rest, where);
    const e = Number(errnum);
    yield* L.write(2, `${cx.file.replace(/\.c$/, '')}: ${msg}${e !== 0 ? `: ${strerror(e)}` : ''}\n`);
    if (Number(status) !== 0) yield* doExit(fr, cx, Number(status));
    return undefined;
  }),
  getline: lib(
    H.stdio,
    BUILTIN_TYPEDEFS.ssize_t!,
    function* (_fr, [bufp, np, f], cx, where) {
      if (fileOf(f, where) !== 'stdin') throw new CRuntimeError(`${where}: getline reads stdin only`);
      const line = yield* L.getline('stdin');
      // End of file (or an error): -1, and *lineptr is left as it is (libio/iogetdelim.c).
      if (line === null || line === undefined || line === '') return -1;
      yield* write(cx.statics, bufp, charPtr, { str: String(line), i: 0 }, where);
      yield* storeOut(_fr, cx, np, sizeT, 120, where);
      return String(line).length;
    },
    { arity: [3, 3] },
  ),
  malloc: lib(
    H.stdlib,
    voidPtr,
    function* (_fr, [n]) {
      const a = yield* L.malloc(Number(n));
      return a ? { s: `heap@0x${a.toString(16)}`, p: [0] } : 0;
    },
    { arity: [1, 1] },
  ),
  calloc: lib(
    H.stdlib,
    voidPtr,
    function* (_fr, [n, m]) {
      const a = yield* L.malloc(Number(n) * Number(m));
      return a ? { s: `heap@0x${a.toString(16)}`, p: [0] } : 0;
    },
    { arity: [2, 2] },
  ),
  free: lib(
    H.stdlib,
    T.void,
    function* (_fr, [p], _cx, where) {
      if (p === 0 || p === null) return undefined;
      if (!isShr(p) || !p.s.startsWith('heap@') || p.p.length !== 1 || p.p[0] !== 0)
        throw new CRuntimeError(`${where}: free(${describe(p)}): not a pointer returned by malloc`);
      yield* L.free(Number.parseInt(p.s.slice(7), 16));
      return undefined;
    },
    { arity: [1, 1] },
  ),
  mallopt: lib(
    H.malloc,
    T.int,
    function* (_fr, [param, value]) {
      return yield* L.mallopt(Number(param), Number(value));
    },
    { arity: [2, 2] },
  ),
  dlopen: lib(
    H.dl,
    voidPtr,
    function* (_fr, [name], cx, where) {
      const h = yield* L.dlopen(name === 0 ? '' : yield* stringArg(cx, name, where));
      return { s: `dl@${h}`, p: [] };
    },
    { arity: [2, 2] },
  ),
  strerror: lib(
    H.string,
    charPtr,
    function* (_fr, [e]) {
      return { str: strerror(Number(e)), i: 0 };
    },
    { arity: [1, 1] },
  ),
  // glibc 2.36's descriptions (sysdeps/generic/siglist.h), as strsignal printed them here for 0 to 17.
  strsignal: lib(
    H.string,
    charPtr,
    function* (_fr, [sig]) {
      const n = Number(sig);
      return { str: SIGNAL_DESCR[n] ?? `Unknown signal ${n}`, i: 0 };
    },
    { arity: [1, 1] },
  ),
  strlen: lib(
    H.string,
    sizeT,
    function* (_fr, [s], cx, where) {
      return (yield* stringArg(cx, s, where)).length;
    },
    { arity: [1, 1] },
  ),
  strcmp: lib(
    H.string,
    T.int,
    function* (_fr, [a, b], cx, where) {
      const x = yield* stringArg(cx, a, where);
      const y = yield* stringArg(cx, b, where);
      return x < y ? -1 : x > y ? 1 : 0;
    },
    { arity: [2, 2] },
  ),
  atoi: lib(
    H.stdlib,
    T.int,
    function* (_fr, [s], cx, where) {
      return Number.parseInt(yield* stringArg(cx, s, where), 10) | 0 || 0;
    },
    { arity: [1, 1] },
  ),
};

const SIGNAL_DESCR: Record<number, string> = {
  1: 'Hangup',
  2: 'Interrupt',
  3: 'Quit',
  4: 'Illegal instruction',
  5: 'Trace/breakpoint trap',
  6: 'Aborted',
  7: 'Bus error',
  8: 'Floating point exception',
  9: 'Killed',
  10: 'User defined signal 1',
  11: 'Segmentation fault',
  12: 'User defined signal 2',
  13: 'Broken pipe',
  14: 'Alarm clock',
  15: 'Terminated',
  16: 'Stack fault',
  17: 'Child exited',
};
