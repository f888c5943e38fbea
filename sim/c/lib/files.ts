// The library calls on regular files (sim/world/ops/file.ts has the semantics): creat, lseek, pread,
// pwrite, unlink, ftruncate, fstat, mkstemp; and the <string.h> calls that move bytes (memcpy,
// mempcpy, memmove, memset, memcmp, strcpy, stpcpy, strcat, strncmp, strchr).
import * as L from '../../api/index.ts';
import type { Builtin } from '../forms.ts';
import { filePointer, H, lib, stringArg, sysret, userFile } from './core.ts';
import * as S from '../../api/stdio.ts';
import { bytesArg, pointee, storeBytes } from './bytes.ts';
import { CRuntimeError, isStr, offset, type G, write } from '../runtime.ts';
import { BUILTIN_STRUCTS, BUILTIN_TYPEDEFS, charPtr, type CType, sizeOf, T, voidPtr } from '../types.ts';
import type { Compiler } from '../compile.ts';
import type { E } from '../forms.ts';
import type { PNode } from '../parse.ts';

const offT = BUILTIN_TYPEDEFS.off_t!;
const ssizeT = BUILTIN_TYPEDEFS.ssize_t!;
const STAT: CType = { k: 'struct', name: 'stat', fields: BUILTIN_STRUCTS.stat! };
const STAT_H = ['sys/stat.h'];

/** A call whose buffers' element types come from its arguments' static types (as read and write have). */
function typed(
  h: string[],
  ret: CType,
  arity: [number, number],
  impl: (elems: CType[]) => Parameters<typeof lib>[2],
): Builtin {
  return {
    h,
    c: (cx: Compiler, args: E[], n: PNode, where: string) =>
      lib(h, ret, impl(args.map((a) => pointee(a.t ?? voidPtr))), { arity }).c(cx, args, n, where),
  };
}

/** The pointer `n` bytes past `p`, a buffer of `elem`s (mempcpy's and stpcpy's result). */
function bytesPast(p: unknown, n: number, elem: CType, where: string): unknown {
  const size = elem.k === 'void' ? 1 : sizeOf(elem);
  if (n % size !== 0)
    throw new CRuntimeError(`${where}: ${n} bytes past a pointer to ${size}-byte elements is not an element`);
  return offset(p, n / size, where);
}

function* cStringAt(cx: Compiler, p: unknown, where: string): G<string> {
  if (p === 0 || p === null) throw new CRuntimeError(`${where}: a NULL string`);
  return yield* stringArg(cx, p, where);
}

const isStdin = (f: unknown) => (f as { file?: string } | null)?.file === 'stdin';

/** The stream fopen made that `f` points to (stdin, stdout and stderr are not modelled as buffers). */
function stream(f: unknown, where: string, fn: string): number {
  const id = userFile(f);
  if (id !== null) return id;
  if (f === 0 || f === null) throw new CRuntimeError(`${where}: ${fn} on a NULL FILE pointer`);
  throw new CRuntimeError(
    `${where}: ${fn} works on a stream fopen opened; stdin, stdout and stderr are not modelled for it`,
  );
}

const isNull = (p: unknown) => p === 0 || p === null;

/** The stream a setvbuf-like call changes: stdout, stderr, or one fopen made (stdin is read only here). */
function bufferedStream(f: unknown, where: string, fn: string): S.StreamRef {
  const std = (f as { file?: string } | null)?.file;
  if (std === 'stdout' || std === 'stderr') return std;
  if (std === 'stdin') throw new CRuntimeError(`${where}: ${fn} on stdin: stdin's buffering is not modelled`);
  return stream(f, where, fn);
}

/** Output to stdout or stderr, as printf and fprintf make it (their FILE locks, written at once). */
function* stdStream(f: unknown, where: string, text: string, fn: string): G<number> {
  const std = (f as { file?: string } | null)?.file;
  if (std === 'stdout' || std === 'stderr') return yield* S.stdWrite(std, [text], fn);
  if (f === 0 || f === null) throw new CRuntimeError(`${where}: a NULL FILE pointer`);
  throw new CRuntimeError(
    `${where}: writing to ${std === 'stdin' ? 'stdin, a stream opened for reading' : 'something that is not a FILE pointer'}`,
  );
}

/** memcpy (dst, src, n): the bytes of src, then stored at dst; the result is dst, or (mempcpy) past it. */
function copyBytes(past: boolean): Builtin {
  return typed(
    H.string,
    voidPtr,
    [3, 3],
    ([de, se]) =>
      function* (_fr, [d, s, n], cx, where) {
        yield* storeBytes(cx, d, yield* bytesArg(cx, s, Number(n), where, se), where, de);
        return past ? bytesPast(d, Number(n), de!, where) : d;
      },
  );
}

export const FILES: Record<string, Builtin> = {
  creat: lib(
    H.fcntl,
    T.int,
    function* (fr, [path], cx, where) {
      return sysret(fr, yield* L.creat(yield* cStringAt(cx, path, where)), L.ENOENT);
    },
    { arity: [2, 2] },
  ),
  lseek: lib(
    H.unistd,
    offT,
    function* (fr, [fd, off, whence]) {
      return sysret(fr, yield* L.lseek(Number(fd), Number(off), Number(whence)), L.EBADF);
    },
    { arity: [3, 3] },
  ),
  pread: typed(
    H.unistd,
    ssizeT,
    [4, 4],
    ([, elem]) =>
      function* (fr, [fd, buf, len, at], cx, where) {
        const r = yield* L.pread(Number(fd), Number(len), Number(at));
        if (typeof r === 'number') return sysret(fr, r, L.EBADF);
        yield* storeBytes(cx, buf, r, where, elem);
        return r.length;
      },
  ),
  pwrite: typed(
    H.unistd,
    ssizeT,
    [4, 4],
    ([, elem]) =>
      function* (fr, [fd, buf, len, at], cx, where) {
        const s = yield* bytesArg(cx, buf, Number(len), where, elem);
        return sysret(fr, yield* L.pwrite(Number(fd), s, Number(at)), L.EBADF);
      },
  ),
  unlink: lib(
    H.unistd,
    T.int,
    function* (fr, [path], cx, where) {
      return sysret(fr, yield* L.unlink(yield* cStringAt(cx, path, where)), L.ENOENT);
    },
    { arity: [1, 1] },
  ),
  ftruncate: lib(
    H.unistd,
    T.int,
    function* (fr, [fd, len]) {
      return sysret(fr, yield* L.ftruncate(Number(fd), Number(len)), L.EBADF);
    },
    { arity: [2, 2] },
  ),
  fstat: lib(
    STAT_H,
    T.int,
    function* (fr, [fd, st], cx, where) {
      const r = yield* L.fstat(Number(fd));
      if (typeof r === 'number') return sysret(fr, r, L.EBADF);
      const v: Record<string, unknown> = { st_dev: 0, st_rdev: 0, st_uid: 0, st_gid: 0, __pad0: 0 };
      Object.assign(v, { st_ino: r.ino, st_nlink: 1, st_mode: r.mode, st_size: r.size, st_blksize: r.blksize });
      Object.assign(v, { st_blocks: Math.ceil(r.size / 4096) * 8, __glibc_reserved: [0, 0, 0] });
      for (const f of ['st_atime', 'st_atimensec', 'st_mtime', 'st_mtimensec', 'st_ctime', 'st_ctimensec']) v[f] = 0;
      yield* write(cx.statics, st, STAT, v, where);
      return 0;
    },
    { arity: [2, 2] },
  ),
  // misc/mkstemp.c: __gen_tempname (tmpl, 0, 0, __GT_FILE); the chosen name is written into tmpl.
  mkstemp: lib(
    H.stdlib,
    T.int,
    function* (fr, [tmpl], cx, where) {
      if (isStr(tmpl))
        throw new CRuntimeError(`${where}: mkstemp writes its name into the template: a string literal cannot be one`);
      const r = yield* L.mkstemp(yield* cStringAt(cx, tmpl, where));
      if (r.fd >= 0) yield* storeBytes(cx, tmpl, r.path, where, T.char);
      return sysret(fr, r.fd, L.EEXIST);
    },
    { arity: [1, 1] },
  ),

  // ---- stdio streams on files (sim/api/stdio.ts): fully buffered, the buffer copied by fork
  fopen: lib(
    H.stdio,
    { k: 'ptr', to: BUILTIN_TYPEDEFS.FILE! },
    function* (fr, [path, mode], cx, where) {
      const m = yield* cStringAt(cx, mode, where);
      if (S.fopenFlags(m) === null)
        throw new CRuntimeError(`${where}: fopen mode ${JSON.stringify(m)}: it starts with r, w or a`);
      const id = yield* S.fopen(yield* cStringAt(cx, path, where), m);
      if (id < 0) {
        fr.ctx.errno = -id;
        return 0;
      }
      return filePointer(id);
    },
    { arity: [2, 2] },
  ),
  fdopen: lib(
    H.stdio,
    { k: 'ptr', to: BUILTIN_TYPEDEFS.FILE! },
    function* (fr, [fd, mode], cx, where) {
      const m = yield* cStringAt(cx, mode, where);
      if (S.fopenFlags(m) === null)
        throw new CRuntimeError(`${where}: fdopen mode ${JSON.stringify(m)}: it starts with r, w or a`);
      const id = yield* S.fopen('', m, Number(fd));
      if (id < 0) {
        fr.ctx.errno = -id;
        return 0;
      }
      return filePointer(id);
    },
    { arity: [2, 2] },
  ),
  feof: lib(
    H.stdio,
    T.int,
    function* (_fr, [f], _cx, where) {
      return (yield* S.feof(stream(f, where, 'feof'))) ? 1 : 0;
    },
    { arity: [1, 1] },
  ),
  fseek: lib(
    H.stdio,
    T.int,
    function* (_fr, [f, off, whence], _cx, where) {
      return yield* S.fseek(stream(f, where, 'fseek'), Number(off), Number(whence));
    },
    { arity: [3, 3] },
  ),
  rewind: lib(
    H.stdio,
    T.void,
    function* (_fr, [f], _cx, where) {
      yield* S.fseek(stream(f, where, 'rewind'), 0, 0);
      return undefined;
    },
    { arity: [1, 1] },
  ),
  ftell: lib(
    H.stdio,
    T.long,
    function* (fr, [f], _cx, where) {
      return sysret(fr, yield* S.ftell(stream(f, where, 'ftell')), L.EBADF);
    },
    { arity: [1, 1] },
  ),
  fgetc: lib(
    H.stdio,
    T.int,
    function* (_fr, [f], _cx, where) {
      const s = isStdin(f)
        ? yield* S.readStdin(1, 'fgetc')
        : yield* S.fread(stream(f, where, 'fgetc'), 1, false, 'fgetc');
      return s.length === 0 ? -1 : s.charCodeAt(0);
    },
    { arity: [1, 1] },
  ),
  fclose: lib(
    H.stdio,
    T.int,
    function* (_fr, [f], _cx, where) {
      return yield* S.fclose(stream(f, where, 'fclose'));
    },
    { arity: [1, 1] },
  ),
  fputs: lib(
    H.stdio,
    T.int,
    function* (_fr, [s, f], cx, where) {
      const text = yield* cStringAt(cx, s, where);
      const id = userFile(f);
      if (id === null) return (yield* stdStream(f, where, text, 'fputs')) < 0 ? -1 : 1;
      return (yield* S.fwrite(id, text, 'fputs')) < 0 ? -1 : 1;
    },
    { arity: [2, 2] },
  ),
  fputc: lib(
    H.stdio,
    T.int,
    function* (_fr, [c, f], _cx, where) {
      const text = String.fromCharCode(Number(c) & 0xff);
      const id = userFile(f);
      const r = id === null ? yield* stdStream(f, where, text, 'fputc') : yield* S.fwrite(id, text, 'fputc');
      return r < 0 ? -1 : Number(c) & 0xff;
    },
    { arity: [2, 2] },
  ),
  fwrite: typed(
    H.stdio,
    BUILTIN_TYPEDEFS.size_t!,
    [4, 4],
    ([elem]) =>
      function* (_fr, [p, size, n, f], cx, where) {
        const total = Number(size) * Number(n);
        if (total === 0) return 0;
        const text = yield* bytesArg(cx, p, total, where, elem);
        const id = userFile(f);
        const r = id === null ? yield* stdStream(f, where, text, 'fwrite') : yield* S.fwrite(id, text);
        return r < 0 ? 0 : Number(n);
      },
  ),
  fgets: lib(
    H.stdio,
    charPtr,
    function* (_fr, [buf, n, f], cx, where) {
      const max = Number(n);
      if (max <= 0) return 0;
      const line = isStdin(f)
        ? yield* S.readStdin(max - 1, 'fgets')
        : yield* S.fread(stream(f, where, 'fgets'), max - 1, true, 'fgets');
      if (line.length === 0) return 0;
      yield* storeBytes(cx, buf, `${line}\0`, where, T.char);
      return buf;
    },
    { arity: [3, 3] },
  ),
  fread: typed(
    H.stdio,
    BUILTIN_TYPEDEFS.size_t!,
    [4, 4],
    ([elem]) =>
      function* (_fr, [p, size, n, f], cx, where) {
        const sz = Number(size);
        if (sz === 0 || Number(n) === 0) return 0;
        const got = isStdin(f)
          ? yield* S.readStdin(sz * Number(n), 'fread')
          : yield* S.fread(stream(f, where, 'fread'), sz * Number(n), false);
        const whole = got.length - (got.length % sz);
        if (whole > 0) yield* storeBytes(cx, p, got.slice(0, whole), where, elem);
        return whole / sz;
      },
  ),
  fileno: lib(
    H.stdio,
    T.int,
    function* (_fr, [f], _cx, where) {
      const id = userFile(f);
      if (id !== null) return yield* S.fileno(id);
      const std = (f as { file?: string } | null)?.file;
      const fd = ['stdin', 'stdout', 'stderr'].indexOf(String(std));
      if (fd < 0) throw new CRuntimeError(`${where}: fileno of something that is not a FILE pointer`);
      return fd;
    },
    { arity: [1, 1] },
  ),

  // setvbuf, setbuf, setbuffer, setlinebuf (sim/api/stdio.ts): on stdout, stderr or a stream fopen made.
  setvbuf: lib(
    H.stdio,
    T.int,
    function* (_fr, [f, buf, mode, size], _cx, where) {
      return yield* S.setvbuf(bufferedStream(f, where, 'setvbuf'), !isNull(buf), Number(mode), Number(size));
    },
    { arity: [4, 4] },
  ),
  setbuf: lib(
    H.stdio,
    T.void,
    function* (_fr, [f, buf], _cx, where) {
      yield* S.setbuffer(bufferedStream(f, where, 'setbuf'), !isNull(buf), S.BUFSIZ, 'setbuf');
      return undefined;
    },
    { arity: [2, 2] },
  ),
  setbuffer: lib(
    H.stdio,
    T.void,
    function* (_fr, [f, buf, size], _cx, where) {
      yield* S.setbuffer(bufferedStream(f, where, 'setbuffer'), !isNull(buf), Number(size));
      return undefined;
    },
    { arity: [3, 3] },
  ),
  setlinebuf: lib(
    H.stdio,
    T.void,
    function* (_fr, [f], _cx, where) {
      yield* S.setlinebuf(bufferedStream(f, where, 'setlinebuf'));
      return undefined;
    },
    { arity: [1, 1] },
  ),

  // ---- <string.h>: bytes moved as the buffers' element types have them (sim/c/lib/bytes.ts)
  // memmove reads every byte before it writes one, so an overlap copies as memcpy's here does.
  memcpy: copyBytes(false),
  memmove: copyBytes(false),
  // GNU's mempcpy: memcpy that returns the byte after the last one written.
  mempcpy: copyBytes(true),
  memset: typed(
    H.string,
    voidPtr,
    [3, 3],
    ([de]) =>
      function* (_fr, [d, c, n], cx, where) {
        yield* storeBytes(cx, d, String.fromCharCode(Number(c) & 0xff).repeat(Number(n)), where, de);
        return d;
      },
  ),
  memcmp: typed(
    H.string,
    T.int,
    [3, 3],
    ([ae, be]) =>
      function* (_fr, [a, b, n], cx, where) {
        const x = yield* bytesArg(cx, a, Number(n), where, ae);
        const y = yield* bytesArg(cx, b, Number(n), where, be);
        for (let i = 0; i < Number(n); i++)
          if (x.charCodeAt(i) !== y.charCodeAt(i)) return x.charCodeAt(i) - y.charCodeAt(i);
        return 0;
      },
  ),
  strcpy: lib(
    H.string,
    charPtr,
    function* (_fr, [d, s], cx, where) {
      yield* storeBytes(cx, d, `${yield* cStringAt(cx, s, where)}\0`, where, T.char);
      return d;
    },
    { arity: [2, 2] },
  ),
  stpcpy: lib(
    H.string,
    charPtr,
    function* (_fr, [d, s], cx, where) {
      const t = yield* cStringAt(cx, s, where);
      yield* storeBytes(cx, d, `${t}\0`, where, T.char);
      return offset(d, t.length, where);
    },
    { arity: [2, 2] },
  ),
  strcat: lib(
    H.string,
    charPtr,
    function* (_fr, [d, s], cx, where) {
      const at = (yield* cStringAt(cx, d, where)).length;
      yield* storeBytes(cx, offset(d, at, where), `${yield* cStringAt(cx, s, where)}\0`, where, T.char);
      return d;
    },
    { arity: [2, 2] },
  ),
  strncmp: lib(
    H.string,
    T.int,
    function* (_fr, [a, b, n], cx, where) {
      const x = (yield* cStringAt(cx, a, where)).slice(0, Number(n));
      const y = (yield* cStringAt(cx, b, where)).slice(0, Number(n));
      return x < y ? -1 : x > y ? 1 : 0;
    },
    { arity: [3, 3] },
  ),
  strchr: lib(
    H.string,
    charPtr,
    function* (_fr, [s, c], cx, where) {
      const t = yield* cStringAt(cx, s, where);
      const ch = Number(c) & 0xff;
      const i = ch === 0 ? t.length : t.indexOf(String.fromCharCode(ch));
      return i < 0 ? 0 : offset(s, i, where);
    },
    { arity: [2, 2] },
  ),
};
