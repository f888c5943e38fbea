// stdio streams on files (fopen, fprintf, fputs, fwrite, fflush, fclose, fgets, fread), as glibc 2.36's
// libio runs them. A FILE is process memory: its buffer and state are a cell ("__libio:FILE@N"), its
// lock an _IO_lock_t ("FILE@N_lock", recursive, owned by a TCB), and the list of open FILEs
// (_IO_list_all, newest first) a cell under _IO_list_all_lock. So fork copies a FILE with the bytes
// still in its buffer: the child's exit flushes them again (the classic doubled output). A forked
// child of a multi-threaded process gets every FILE lock re-initialised (posix/fork.c
// fresetlockfiles), as stdin's, stdout's and stderr's are. A file's stream is fully buffered: output collects in a buffer of
// st_blksize (4096) bytes, malloc'd on first use (_IO_file_doallocate), and goes out with write(2)
// when it fills (_IO_new_file_xsputn writes the full buffer, then whole blocks directly), at fflush,
// fclose, or exit (_IO_cleanup's _IO_flush_all_lockp (0), which takes no FILE lock). Input reads a
// buffer's worth (read(2) of 4096) and hands it out.
import type { G } from './op.ts';
import { IO_LIST_LOCK, STDERR_LOCK, STDIN_LOCK, STDOUT_LOCK } from './libc-locks.ts';
import { free, malloc } from './malloc.ts';
import type { CellHandle, MutexHandle } from './ops.ts';
import { EINVAL, O_APPEND, O_CLOEXEC, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from './posix.ts';

/** BUFSIZ, and st_blksize of the simulated files: the buffer _IO_file_doallocate allocates. */
const BUF = 4096;
/** sizeof (struct locked_FILE) on x86-64 (libio/iofopen.c: the FILE, its lock and its wide data). */
const LOCKED_FILE = 472;

/**
 * How a FILE buffers its output (libio's _flags and buffer pointers). Absent fields are a fopen'd
 * file's defaults: fully buffered, BUF bytes, not yet written to.
 */
export interface Buffering {
  /** Output not written yet: _IO_write_base up to _IO_write_ptr. */
  out: string;
  /** _IO_buf_base when libio malloc'd it (its address); 0 before the first output allocates it. */
  buf: number;
  /** _IO_buf_end - _IO_buf_base. */
  size?: number;
  /** _IO_LINE_BUF: written out at each newline. */
  line?: boolean;
  /** _IO_UNBUFFERED: written out at each call (the buffer is the one-byte _shortbuf). */
  unbuf?: boolean;
  /** _IO_USER_BUF: the buffer is not libio's to free (setvbuf's, or _shortbuf); it exists. */
  user?: boolean;
  /** _IO_CURRENTLY_PUTTING: _IO_new_file_overflow has set the stream up for output. */
  putting?: boolean;
}

export interface FileState extends Buffering {
  fd: number;
  read: boolean;
  write: boolean;
  /** Input read from the file and not handed out yet. */
  in: string;
  eof: boolean;
  closed: boolean;
}
interface FileList {
  next: number;
  open: number[];
}

const LIST: CellHandle<FileList> = { handle: 'cell', name: '__libio:_IO_list_all', initial: { next: 3, open: [] } };
const fileCell = (id: number): CellHandle<FileState | null> => ({
  handle: 'cell',
  name: `__libio:FILE@${id}`,
  initial: null,
});
/** The FILE's _IO_lock_t. */
export const fileLock = (id: number): MutexHandle => ({
  handle: 'mutex',
  name: `FILE@${id}_lock`,
  type: 'recursive',
  internal: true,
  io: true,
});

function* libcLocks(): G<boolean> {
  return ((yield { k: 'libc' }) as string) !== 'none';
}

/**
 * fopen's mode (libio/fileops.c _IO_new_file_fopen): "r" O_RDONLY, "w" O_WRONLY | O_CREAT | O_TRUNC,
 * "a" O_WRONLY | O_CREAT | O_APPEND, "+" for both ways; then 'x' O_EXCL, 'e' O_CLOEXEC, 'b' nothing.
 */
export function fopenFlags(mode: string): number | null {
  const base = { r: O_RDONLY, w: O_WRONLY | O_CREAT | O_TRUNC, a: O_WRONLY | O_CREAT | O_APPEND }[mode[0] ?? ''];
  if (base === undefined) return null;
  let flags = base;
  for (const c of mode.slice(1)) {
    if (c === '+') flags = (flags & ~(O_WRONLY | O_RDONLY)) | O_RDWR;
    else if (c === 'x') flags |= O_EXCL;
    else if (c === 'e') flags |= O_CLOEXEC;
    else if (c === 'c' || c === 'm' || c === 'b' || c === 't') continue;
    else break;
  }
  return flags;
}

/** fopen (path, mode): the FILE's id, or -errno. fdopen (fd, mode) makes the FILE on a descriptor it is given. */
export function* fopen(path: string, mode: string, fdopen?: number): G<number> {
  const flags = fopenFlags(mode);
  if (flags === null) return -EINVAL;
  const fn = fdopen === undefined ? 'fopen' : 'fdopen';
  yield { k: 'enter', fn: fn };
  const locks = yield* libcLocks();
  const fp = yield* malloc(LOCKED_FILE);
  // _IO_link_in: the list lock, and the new FILE's own lock around its _IO_LINKED flag.
  if (locks) yield { k: 'lock', m: IO_LIST_LOCK };
  const list = ((yield { k: 'load', c: LIST }) as FileList) ?? { next: 3, open: [] };
  const id = list.next;
  yield { k: 'store', c: LIST, v: { next: id + 1, open: [id, ...list.open] } };
  yield { k: 'stdio_buf', f: 'fopen', set: true };
  if (locks) yield { k: 'unlock', m: IO_LIST_LOCK };
  const fd = fdopen ?? ((yield { k: 'open', path, flags }) as number);
  if (fd < 0) {
    // fopen's failure path: _IO_un_link, then free.
    yield* unlink(id, locks);
    yield* free(fp);
    yield { k: 'leave', fn: fn };
    return fd;
  }
  const rw = flags & 3;
  const st: FileState = {
    fd,
    read: rw !== O_WRONLY,
    write: rw !== O_RDONLY,
    out: '',
    in: '',
    buf: 0,
    eof: false,
    closed: false,
  };
  yield { k: 'store', c: fileCell(id), v: st };
  yield { k: 'leave', fn: fn };
  return id;
}

function* unlink(id: number, locks: boolean): G<void> {
  if (locks) yield { k: 'lock', m: IO_LIST_LOCK };
  const list = ((yield { k: 'load', c: LIST }) as FileList) ?? { next: 3, open: [] };
  yield { k: 'store', c: LIST, v: { next: list.next, open: list.open.filter((x) => x !== id) } };
  if (locks) yield { k: 'unlock', m: IO_LIST_LOCK };
}

function* state(id: number): G<FileState> {
  const s = (yield { k: 'load', c: fileCell(id) }) as FileState | null;
  if (!s || s.closed) throw new Error(`FILE@${id} is not an open stream (used after fclose?)`);
  // A copy: the memory changes only by the store that follows.
  return { ...s };
}

/** Writes out what the buffer holds (_IO_do_write); the result is -1 when write failed. */
function* flushOut(s: FileState): G<number> {
  while (s.out.length > 0) {
    const n = (yield { k: 'write', fd: s.fd, text: s.out }) as number;
    if (n < 0) return -1;
    s.out = s.out.slice(n);
  }
  return 0;
}

/** The FILE lock around `body` (none under libc 'none'). */
function* locked<T>(id: number, body: () => G<T>): G<T> {
  const locks = yield* libcLocks();
  if (locks) yield { k: 'lock', m: fileLock(id) };
  const r = yield* body();
  if (locks) yield { k: 'unlock', m: fileLock(id) };
  return r;
}

/** fwrite/fputs/fprintf's output: _IO_new_file_xsputn under the FILE lock. */
export function* fwrite(id: number, text: string, fn = 'fwrite'): G<number> {
  yield { k: 'enter', fn: fn };
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    if (!s.write) return -1;
    const ok = yield* xsputn(s, fileSink(s), text);
    yield { k: 'store', c: fileCell(id), v: s };
    return ok ? text.length : -1;
  });
  yield { k: 'leave', fn: fn };
  return r;
}

/** fflush (fp): the buffered output goes out under the FILE lock. */
export function* fflushFile(id: number): G<number> {
  yield { k: 'enter', fn: 'fflush' };
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    const bad = (yield* flushOut(s)) < 0;
    yield { k: 'store', c: fileCell(id), v: s };
    return bad ? -1 : 0;
  });
  yield { k: 'leave', fn: 'fflush' };
  return r;
}

/** fclose: _IO_un_link, then under the FILE lock _IO_file_close_it (flush, close(2)), then free. */
export function* fclose(id: number): G<number> {
  yield { k: 'enter', fn: 'fclose' };
  const locks = yield* libcLocks();
  yield* unlink(id, locks);
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    const bad = (yield* flushOut(s)) < 0;
    const c = (yield { k: 'close', fd: s.fd }) as number;
    if (s.buf) yield* free(s.buf);
    yield { k: 'store', c: fileCell(id), v: { ...s, closed: true } };
    return bad || c < 0 ? -1 : 0;
  });
  yield { k: 'leave', fn: 'fclose' };
  return r;
}

/** fread / fgets's input: up to `n` bytes (stopping after a newline when `line`), '' at end of file. */
export function* fread(id: number, n: number, line: boolean, fn = 'fread'): G<string> {
  yield { k: 'enter', fn: fn };
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    if (!s.read) return '';
    let got = '';
    while (got.length < n) {
      if (s.in.length === 0) {
        if (s.eof) break;
        if (!allocated(s)) yield* doallocate(s, s.fd);
        // __underflow: flush pending output first on a stream open both ways, then read(2) a buffer.
        if (s.out.length > 0) yield* flushOut(s);
        const t = (yield { k: 'read', fd: s.fd, n: s.size ?? BUF }) as string | number;
        if (typeof t !== 'string' || t.length === 0) {
          s.eof = true;
          break;
        }
        s.in = t;
      }
      const nl = line ? s.in.indexOf('\n') : -1;
      const take = Math.min(n - got.length, nl >= 0 ? nl + 1 : s.in.length);
      got += s.in.slice(0, take);
      s.in = s.in.slice(take);
      if (line && got.endsWith('\n')) break;
    }
    yield { k: 'store', c: fileCell(id), v: s };
    return got;
  });
  yield { k: 'leave', fn: fn };
  return r;
}

/** feof (fp): whether a read met the end of the file (under the FILE lock, as glibc's feof). */
export function* feof(id: number): G<boolean> {
  return yield* locked(id, function* () {
    return (yield* state(id)).eof;
  });
}

/**
 * fseek (fp, off, whence) and rewind: pending output goes out, buffered input is dropped, the
 * descriptor's offset moves (_IO_new_file_seekoff); SEEK_CUR counts from where the reader is, which is
 * behind the descriptor by the input still buffered. The result is 0, or -1.
 */
export function* fseek(id: number, off: number, whence: number): G<number> {
  yield { k: 'enter', fn: 'fseek' };
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    if ((yield* flushOut(s)) < 0) return -1;
    const adj = whence === 1 ? off - s.in.length : off;
    s.in = '';
    s.eof = false;
    const p = (yield { k: 'lseek', fd: s.fd, off: adj, whence }) as number;
    yield { k: 'store', c: fileCell(id), v: s };
    return p < 0 ? -1 : 0;
  });
  yield { k: 'leave', fn: 'fseek' };
  return r;
}

/** ftell (fp): the descriptor's offset, less the input buffered, plus the output not yet written. */
export function* ftell(id: number): G<number> {
  yield { k: 'enter', fn: 'ftell' };
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    const p = (yield { k: 'lseek', fd: s.fd, off: 0, whence: 1 }) as number;
    return p < 0 ? p : p - s.in.length + s.out.length;
  });
  yield { k: 'leave', fn: 'ftell' };
  return r;
}

/**
 * fgets, fgetc and fread on stdin: under stdin's FILE lock, its buffer's underflow (stdinUnderflow).
 * The model's standard input is empty, so this is end of file unless the world is given lines: '' then.
 */
export function* readStdin(n: number, fn: string): G<string> {
  yield { k: 'enter', fn: fn };
  const locks = yield* libcLocks();
  let t: string | number;
  if (locks) {
    yield { k: 'lock', m: STDIN_LOCK };
    t = yield* stdinUnderflow({ k: 'read', fd: 0, n: BUF });
    yield { k: 'unlock', m: STDIN_LOCK };
  } else t = (yield { k: 'read', fd: 0, n: BUF }) as string | number;
  yield { k: 'leave', fn: fn };
  return typeof t === 'string' ? t.slice(0, n) : '';
}

/** stdin's FILE: _IO_LINE_BUF (fd 0 was a terminal at its first input) and _IO_EOF_SEEN. */
interface StdinState {
  line: boolean;
  eof: boolean;
  /** The buffer's size, which each read(2) asks for. */
  size?: number;
}

/**
 * __underflow -> _IO_new_file_underflow (libio/fileops.c) for stdin, its FILE lock held by the caller:
 * end of file is sticky ("C99 requires EOF to be sticky": no read(2) after it); the first input
 * allocates the buffer (_IO_file_doallocate: fstat(0), line buffered on a terminal, st_blksize
 * bytes); a line-buffered stdin then takes stdout's FILE lock and writes out stdout's buffer if stdout
 * is line buffered too (the prompt before the answer); then read(2). `read` is the caller's read op.
 */
export function* stdinUnderflow(read: { k: 'read'; fd: 0; n?: number }): G<string | number> {
  const got = (yield { k: 'stdstream', f: 'stdin' }) as StdinState | null;
  const s: StdinState = got ? { ...got } : { line: false, eof: false };
  if (s.eof) return '';
  if (!((yield { k: 'stdio_buf', f: 'stdin', set: false }) as boolean)) {
    const b: Buffering = { out: '', buf: 0 };
    yield* doallocate(b, 0);
    s.line = b.line === true;
    s.size = b.size ?? BUFSIZ;
    yield { k: 'stdio_buf', f: 'stdin', set: true };
  }
  yield { k: 'stdstream', f: 'stdin', v: s };
  if (s.line) {
    yield { k: 'lock', m: STDOUT_LOCK };
    const out = yield* stdState('stdout');
    if (out.line && out.out.length > 0) {
      const k = stdSink('stdout');
      yield* flushBuf(out, k);
      yield* k.save(out);
    }
    yield { k: 'unlock', m: STDOUT_LOCK };
  }
  const t = (yield read.n === undefined ? read : { ...read, n: s.size ?? BUF }) as string | number;
  if (t === '') {
    s.eof = true;
    yield { k: 'stdstream', f: 'stdin', v: s };
  }
  return t;
}

/** fileno (fp): the FILE's descriptor (it reads the FILE, under no lock, as glibc's fileno does). */
export function* fileno(id: number): G<number> {
  return (yield* state(id)).fd;
}

/** The FILEs on _IO_list_all, newest first: fork's fresetlockfiles (posix/fork.c) re-initialises each one's lock in the child. */
export function* openFiles(): G<number[]> {
  if (!((yield { k: 'stdio_buf', f: 'fopen', set: false }) as boolean)) return [];
  return ((yield { k: 'load', c: LIST }) as FileList)?.open ?? [];
}

/** The open FILEs whose buffer was allocated (used streams, which _IO_unbuffer_all tries to lock). */
export function* usedFiles(): G<number[]> {
  if (!((yield { k: 'stdio_buf', f: 'fopen', set: false }) as boolean)) return [];
  const list = (yield { k: 'load', c: LIST }) as FileList;
  const out: number[] = [];
  for (const id of list?.open ?? []) {
    const s = (yield { k: 'load', c: fileCell(id) }) as FileState | null;
    if (s && !s.closed && s.buf) out.push(id);
  }
  return out;
}

/**
 * _IO_flush_all_lockp (do_lock): every FILE on the list, newest first, with its buffered output
 * written. fflush (NULL) locks each FILE; exit's _IO_cleanup does not ("we flush them underneath
 * them"). The list lock is the caller's.
 */
export function* flushAllFiles(doLock: boolean): G<void> {
  if (!((yield { k: 'stdio_buf', f: 'fopen', set: false }) as boolean)) return;
  const list = (yield { k: 'load', c: LIST }) as FileList;
  if (!list) return;
  const locks = doLock && (yield* libcLocks());
  for (const id of list.open) {
    if (locks) yield { k: 'lock', m: fileLock(id) };
    const loaded = (yield { k: 'load', c: fileCell(id) }) as FileState | null;
    const s = loaded && { ...loaded };
    if (s && !s.closed && s.out.length > 0) {
      yield* flushOut(s);
      yield { k: 'store', c: fileCell(id), v: s };
    }
    if (locks) yield { k: 'unlock', m: fileLock(id) };
  }
}

// ---- the buffering every output stream shares (glibc 2.36 libio/fileops.c, genops.c, iosetvbuf.c)

/** Where a stream's bytes go, how its buffer is allocated, and how its state is kept across a write(2). */
interface Sink {
  fd: number;
  /** _IO_file_doallocate. */
  alloc(s: Buffering): G<void>;
  /** Called before each write(2): the memory a fork in between would copy. */
  save(s: Buffering): G<void>;
}

const allocated = (s: Buffering) => s.buf !== 0 || s.user === true;

/** A fopen'd file's sink: its buffer allocated as any FILE's is (doallocate on its descriptor). */
function fileSink(f: FileState): Sink {
  return {
    fd: f.fd,
    alloc: (s) => doallocate(s, f.fd),
    *save() {},
  };
}

/** _IO_new_file_write: write(2) until every byte is out; false after an error. */
function* writeAll(fd: number, text: string): G<boolean> {
  let rest = text;
  while (rest.length > 0) {
    const n = (yield { k: 'write', fd, text: rest }) as number;
    if (n < 0) return false;
    rest = rest.slice(n);
  }
  return true;
}

/** _IO_do_write of the buffer: its bytes go out and it is empty again (also when write failed: new_do_write). */
function* flushBuf(s: Buffering, k: Sink): G<boolean> {
  if (s.out.length === 0) return true;
  const text = s.out;
  yield* k.save(s);
  const ok = yield* writeAll(k.fd, text);
  s.out = '';
  return ok;
}

/**
 * _IO_new_file_overflow (f, ch): the first output sets the stream up for writing (allocating the
 * buffer: _IO_doallocbuf); then `null` (EOF) writes the buffer out, and a byte goes into it, the full
 * buffer written first, and the buffer written after it when the stream is unbuffered, or line
 * buffered and the byte is a newline.
 */
function* overflow(s: Buffering, k: Sink, ch: string | null): G<boolean> {
  if (!s.putting) {
    if (!allocated(s)) yield* k.alloc(s);
    s.putting = true;
  }
  if (ch === null) return yield* flushBuf(s, k);
  if (s.out.length >= (s.size ?? BUF) && !(yield* flushBuf(s, k))) return false;
  s.out += ch;
  if (s.unbuf || (s.line && ch === '\n')) return yield* flushBuf(s, k);
  return true;
}

/**
 * _IO_new_file_xsputn (f, data, n). A line-buffered stream set up for output copies up to the last
 * newline when the whole text fits and then writes its buffer out; otherwise what fits is copied.
 * What is left goes out as: the buffer (overflow (EOF)), the whole blocks of the rest by write(2)
 * ("try to maintain alignment"), and the tail through _IO_default_xsputn, which copies into a fully
 * buffered stream's room and hands a line-buffered or unbuffered stream its bytes one by one through
 * overflow (its _IO_write_end is its _IO_write_base). So the first output to a terminal writes each
 * line by itself, and an unbuffered stream writes each call's text at once.
 */
function* xsputn(s: Buffering, k: Sink, text: string): G<boolean> {
  const n = text.length;
  if (n === 0) return true;
  const size = s.size ?? BUF;
  let count = 0;
  let must = false;
  if (s.line && s.putting) {
    count = size - s.out.length;
    if (count >= n) {
      const nl = text.lastIndexOf('\n');
      if (nl >= 0) {
        count = nl + 1;
        must = true;
      }
    }
  } else if (s.putting && !s.line && !s.unbuf) count = size - s.out.length;
  count = Math.min(count, n);
  s.out += text.slice(0, count);
  let rest = text.slice(count);
  if (rest.length === 0 && !must) return true;
  if (!(yield* overflow(s, k, null))) return false;
  const direct = rest.length - (size >= 128 ? rest.length % size : 0);
  if (direct > 0) {
    if (!(yield* writeAll(k.fd, rest.slice(0, direct)))) return false;
    rest = rest.slice(direct);
  }
  while (rest.length > 0) {
    if (!s.line && !s.unbuf) {
      const take = Math.min(size - s.out.length, rest.length);
      s.out += rest.slice(0, take);
      rest = rest.slice(take);
      if (rest.length === 0) break;
    }
    if (!(yield* overflow(s, k, rest[0]!))) return false;
    rest = rest.slice(1);
  }
  return true;
}

/** _IO_new_file_setbuf (_IO_default_setbuf): the pending output goes out (_IO_SYNC), then the new buffer. */
function* setbufOn(s: Buffering, k: Sink, given: boolean, size: number): G<boolean> {
  if (!(yield* flushBuf(s, k))) return false;
  // _IO_setb frees a buffer libio allocated; setvbuf's and _shortbuf are not libio's.
  if (s.buf !== 0 && !s.user) yield* free(s.buf);
  s.buf = 0;
  s.user = true;
  if (!given || size === 0) {
    s.unbuf = true;
    s.size = 1;
  } else {
    s.unbuf = false;
    s.size = size;
  }
  return true;
}

/** _IOFBF, _IOLBF and _IONBF (libio/stdio.h). */
export const IOFBF = 0;
export const IOLBF = 1;
export const IONBF = 2;
/** glibc's BUFSIZ (libio/stdio.h), which setbuf gives setbuffer. */
export const BUFSIZ = 8192;

/**
 * _IO_setvbuf (libio/iosetvbuf.c) with the FILE lock held: _IOFBF without a buffer allocates one now
 * if there is none (so a terminal's later _IO_file_doallocate cannot make it line buffered again) and
 * keeps the one there is; _IOLBF without a buffer only sets the flag; _IONBF, or a buffer given,
 * goes through setbuf. The result is 0, or -1 (EOF) for another mode.
 */
function* setvbufOn(s: Buffering, k: Sink, given: boolean, mode: number, size: number): G<number> {
  if (mode === IOFBF) {
    s.line = false;
    s.unbuf = false;
    if (!given) {
      if (!allocated(s)) {
        yield* k.alloc(s);
        s.line = false;
      }
      return 0;
    }
  } else if (mode === IOLBF) {
    s.unbuf = false;
    s.line = true;
    if (!given) return 0;
  } else if (mode === IONBF) {
    s.line = false;
    s.unbuf = true;
    return (yield* setbufOn(s, k, false, 0)) ? 0 : -1;
  } else return -1;
  return (yield* setbufOn(s, k, given, size)) ? 0 : -1;
}

/** How a program names a stream to setvbuf and friends: a standard one, or a FILE fopen made. */
export type StreamRef = 'stdout' | 'stderr' | number;

/** setvbuf (fp, buf, mode, size); `given` says whether buf is a buffer (not NULL). */
export function* setvbuf(f: StreamRef, given: boolean, mode: number, size: number): G<number> {
  yield { k: 'enter', fn: 'setvbuf' };
  const r = yield* onStream(f, (s, k) => setvbufOn(s, k, given, mode, size));
  yield { k: 'leave', fn: 'setvbuf' };
  return r;
}

/** setbuffer (fp, buf, size) (libio/iosetbuffer.c), and setbuf (fp, buf), which is setbuffer (fp, buf, BUFSIZ). */
export function* setbuffer(f: StreamRef, given: boolean, size: number, fn = 'setbuffer'): G<void> {
  yield { k: 'enter', fn: fn };
  yield* onStream(f, function* (s, k) {
    s.line = false;
    yield* setbufOn(s, k, given, given ? size : 0);
    return 0;
  });
  yield { k: 'leave', fn: fn };
}

/** setlinebuf (fp): _IO_setvbuf (fp, NULL, _IOLBF, 0). */
export function* setlinebuf(f: StreamRef): G<void> {
  yield { k: 'enter', fn: 'setlinebuf' };
  yield* onStream(f, (s, k) => setvbufOn(s, k, false, IOLBF, 0));
  yield { k: 'leave', fn: 'setlinebuf' };
}

/** `body` on stream `f`'s state under its FILE lock, the state kept after it. */
function* onStream(f: StreamRef, body: (s: Buffering, k: Sink) => G<number>): G<number> {
  if (typeof f === 'number')
    return yield* locked(f, function* () {
      const s = yield* state(f);
      const r = yield* body(s, fileSink(s));
      yield { k: 'store', c: fileCell(f), v: s };
      return r;
    });
  return yield* std(f, body);
}

// ---- stdout and stderr

/**
 * stdout's and stderr's FILE (_IO_2_1_stdout_, _IO_2_1_stderr_ in libio/stdfiles.c): process memory,
 * read and written only under the stream's FILE lock, inside the lock's step (InstantOp 'stdstream').
 * stderr starts _IO_UNBUFFERED; stdout starts with no buffer, and its first output decides its mode.
 */
export type StdStream = Buffering;
const STD_FD = { stdout: 1, stderr: 2 } as const;
const STD_LOCK = { stdout: STDOUT_LOCK, stderr: STDERR_LOCK } as const;

const initial = (f: 'stdout' | 'stderr'): StdStream =>
  f === 'stdout' ? { out: '', buf: 0 } : { out: '', buf: 0, unbuf: true, user: true, size: 1 };

function* stdState(f: 'stdout' | 'stderr'): G<StdStream> {
  const s = (yield { k: 'stdstream', f }) as StdStream | null;
  // A copy: the result is kept in the thread's record, which a fork's child replays.
  return s ? { ...s } : initial(f);
}

/** S_IFMT and S_IFCHR (include/uapi/linux/stat.h). */
const S_IFMT = 0o170000;
const S_IFCHR = 0o020000;

/**
 * _IO_file_doallocate (libio/filedoalloc.c): fstat the descriptor; a character device that is a
 * terminal (DEV_TTY_P: a pty's major, or isatty) makes the stream _IO_LINE_BUF; the buffer is BUFSIZ
 * (8192), or st_blksize when that is smaller: 1024 on a pty, 4096 for a pipe, /dev/null or a file. So
 * the mode is decided by what the descriptor is at the first output: a later dup2 onto it changes
 * nothing.
 */
function* doallocate(s: Buffering, fd: number): G<void> {
  const st = (yield { k: 'fstat', fd }) as { mode: number; blksize: number; tty: boolean } | number;
  let size = BUFSIZ;
  if (typeof st !== 'number') {
    if ((st.mode & S_IFMT) === S_IFCHR && st.tty) s.line = true;
    if (st.blksize > 0 && st.blksize < BUFSIZ) size = st.blksize;
  }
  s.buf = yield* malloc(size);
  s.size = size;
}

function stdSink(f: 'stdout' | 'stderr'): Sink {
  const fd = STD_FD[f];
  return {
    fd,
    *alloc(s) {
      yield* doallocate(s, fd);
      if (f === 'stdout') yield { k: 'stdio_buf', f: 'stdout', set: true };
    },
    *save(s) {
      yield { k: 'stdstream', f, v: s };
    },
  };
}

/** `body` on a standard stream under its FILE lock (the caller checked the libc model has locks). */
function* std(f: 'stdout' | 'stderr', body: (s: StdStream, k: Sink) => G<number>): G<number> {
  yield { k: 'lock', m: STD_LOCK[f] };
  const s = yield* stdState(f);
  const k = stdSink(f);
  const r = yield* body(s, k);
  yield* k.save(s);
  yield { k: 'unlock', m: STD_LOCK[f] };
  return r;
}

/**
 * Output to stdout or stderr (printf, puts, putchar, fputs, fwrite, fprintf): each part is one
 * _IO_sputn (puts is the string's, then putc's newline), under the stream's FILE lock. The result is
 * the number of bytes, or -1. Under libc 'none' (no FILE locks, no libio) the text is one write(2).
 */
export function* stdWrite(f: 'stdout' | 'stderr', parts: readonly string[], fn: string): G<number> {
  yield { k: 'enter', fn: fn };
  const text = parts.join('');
  let r: number;
  if (!(yield* libcLocks())) r = (yield { k: 'write', fd: STD_FD[f], text }) as number;
  else
    r = yield* std(f, function* (s, k) {
      for (const p of parts) if (!(yield* xsputn(s, k, p))) return -1;
      return text.length;
    });
  yield { k: 'leave', fn: fn };
  return r;
}

/** fflush (stdout) or fflush (stderr): the buffer goes out under the FILE lock; 0, or -1 (EOF). */
export function* stdFlush(f: 'stdout' | 'stderr'): G<number> {
  if (!(yield* libcLocks())) return 0;
  return yield* std(f, function* (s, k) {
    return (yield* flushBuf(s, k)) ? 0 : -1;
  });
}

/**
 * _IO_flush_all_lockp's turn at a standard stream: what its buffer holds is written out. fflush
 * (NULL) holds the FILE lock around it (`locked`); exit's _IO_cleanup does not take it.
 */
export function* stdFlushAll(f: 'stdout' | 'stderr', locked: boolean): G<void> {
  if (!(yield* libcLocks())) return;
  if (locked) {
    yield* std(f, function* (s, k) {
      yield* flushBuf(s, k);
      return 0;
    });
    return;
  }
  const s = yield* stdState(f);
  if (s.out.length === 0) return;
  const k = stdSink(f);
  yield* flushBuf(s, k);
  yield* k.save(s);
}

/**
 * _IO_unbuffer_all (libio/genops.c, glibc 2.36), exit's second pass, the list lock held by the caller:
 * every used stream that is not unbuffered, in _IO_list_all's order (the streams fopen made, newest
 * first, then stderr, stdout and stdin), gets its lock tried at most MAXTRIES = 2 times
 * (_IO_lock_trylock), and then, locked or not, _IO_SETBUF (fp, NULL, 0): what its buffer holds goes
 * out (_IO_SYNC) and it is unbuffered from then on (the buffer itself is kept: _IO_USER_BUF is set
 * first), so a thread that prints between this and exit_group writes at once. "Used" is what the
 * model knows of the stream's orientation: it has a buffer. glibc 2.7's _IO_unbuffer_write skips the
 * read-only stdin.
 */
export function* unbufferAll(modern: boolean): G<void> {
  const used = yield* usedFiles();
  for (const id of used) {
    const got = yield* tryTwice(fileLock(id));
    const loaded = (yield { k: 'load', c: fileCell(id) }) as FileState | null;
    if (loaded && !loaded.closed && !loaded.unbuf) {
      const f = { ...loaded };
      yield* flushBuf(f, fileSink(f));
      yield { k: 'store', c: fileCell(id), v: { ...f, unbuf: true, user: true, size: 1 } };
    }
    if (got) yield { k: 'unlock', m: fileLock(id) };
  }
  for (const f of ['stderr', 'stdout'] as const) {
    const s = yield* stdState(f);
    if (s.unbuf || !allocated(s)) continue;
    const got = yield* tryTwice(STD_LOCK[f]);
    const now = yield* stdState(f);
    const k = stdSink(f);
    yield* flushBuf(now, k);
    yield* k.save({ ...now, unbuf: true, user: true, size: 1 });
    if (got) yield { k: 'unlock', m: STD_LOCK[f] };
  }
  if (modern && ((yield { k: 'stdio_buf', f: 'stdin', set: false }) as boolean)) {
    if (yield* tryTwice(STDIN_LOCK)) yield { k: 'unlock', m: STDIN_LOCK };
  }
}

/** _IO_lock_trylock at most twice (sched_yield between): whether the lock was got. */
function* tryTwice(m: MutexHandle): G<boolean> {
  for (let cnt = 0; cnt < 2; cnt++) if (((yield { k: 'trylock', m }) as number) === 0) return true;
  return false;
}
