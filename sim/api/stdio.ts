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
import { enter, leave, op, type G } from './op.ts';
import { IO_LIST_LOCK, STDIN_LOCK } from './libc-locks.ts';
import { free, malloc } from './malloc.ts';
import type { CellHandle, MutexHandle } from './ops.ts';
import { EINVAL, O_APPEND, O_CLOEXEC, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from './posix.ts';

/** BUFSIZ, and st_blksize of the simulated files: the buffer _IO_file_doallocate allocates. */
const BUF = 4096;
/** sizeof (struct locked_FILE) on x86-64 (libio/iofopen.c: the FILE, its lock and its wide data). */
const LOCKED_FILE = 472;

export interface FileState {
  fd: number;
  read: boolean;
  write: boolean;
  /** Output not written yet. */
  out: string;
  /** Input read from the file and not handed out yet. */
  in: string;
  /** _IO_buf_base: the buffer is allocated (its malloc'd address). */
  buf: number;
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
  return (yield* op<string>({ k: 'libc' })) !== 'none';
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
  yield* enter(fn);
  const locks = yield* libcLocks();
  const fp = yield* malloc(LOCKED_FILE);
  // _IO_link_in: the list lock, and the new FILE's own lock around its _IO_LINKED flag.
  if (locks) yield* op({ k: 'lock', m: IO_LIST_LOCK });
  const list = (yield* op<FileList>({ k: 'load', c: LIST })) ?? { next: 3, open: [] };
  const id = list.next;
  yield* op({ k: 'store', c: LIST, v: { next: id + 1, open: [id, ...list.open] } });
  yield* op({ k: 'stdio_buf', f: 'fopen', set: true });
  if (locks) yield* op({ k: 'unlock', m: IO_LIST_LOCK });
  const fd = fdopen ?? (yield* op<number>({ k: 'open', path, flags }));
  if (fd < 0) {
    // fopen's failure path: _IO_un_link, then free.
    yield* unlink(id, locks);
    yield* free(fp);
    yield* leave(fn);
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
  yield* op({ k: 'store', c: fileCell(id), v: st });
  yield* leave(fn);
  return id;
}

function* unlink(id: number, locks: boolean): G<void> {
  if (locks) yield* op({ k: 'lock', m: IO_LIST_LOCK });
  const list = (yield* op<FileList>({ k: 'load', c: LIST })) ?? { next: 3, open: [] };
  yield* op({ k: 'store', c: LIST, v: { next: list.next, open: list.open.filter((x) => x !== id) } });
  if (locks) yield* op({ k: 'unlock', m: IO_LIST_LOCK });
}

function* state(id: number): G<FileState> {
  const s = yield* op<FileState | null>({ k: 'load', c: fileCell(id) });
  if (!s || s.closed) throw new Error(`FILE@${id} is not an open stream (used after fclose?)`);
  // A copy: the memory changes only by the store that follows.
  return { ...s };
}

/** Writes out what the buffer holds (_IO_do_write); the result is -1 when write failed. */
function* flushOut(s: FileState): G<number> {
  while (s.out.length > 0) {
    const n = yield* op<number>({ k: 'write', fd: s.fd, text: s.out });
    if (n < 0) return -1;
    s.out = s.out.slice(n);
  }
  return 0;
}

/** The FILE lock around `body` (none under libc 'none'). */
function* locked<T>(id: number, body: () => G<T>): G<T> {
  const locks = yield* libcLocks();
  if (locks) yield* op({ k: 'lock', m: fileLock(id) });
  const r = yield* body();
  if (locks) yield* op({ k: 'unlock', m: fileLock(id) });
  return r;
}

/** fwrite/fputs/fprintf's output: into the buffer; a full buffer and whole blocks go out at once. */
export function* fwrite(id: number, text: string, fn = 'fwrite'): G<number> {
  yield* enter(fn);
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    if (!s.write) return -1;
    if (!s.buf && text.length > 0) s.buf = yield* malloc(BUF);
    s.out += text;
    let bad = false;
    if (s.out.length >= BUF) {
      // _IO_new_file_xsputn: the full buffer, then the whole blocks of the rest, by write(2); the tail stays.
      const keep = s.out.length % BUF;
      const head = s.out.slice(0, s.out.length - keep);
      s.out = head;
      bad = (yield* flushOut(s)) < 0;
      s.out = text.slice(text.length - keep);
    }
    yield* op({ k: 'store', c: fileCell(id), v: s });
    return bad ? -1 : text.length;
  });
  yield* leave(fn);
  return r;
}

/** fflush (fp): the buffered output goes out under the FILE lock. */
export function* fflushFile(id: number): G<number> {
  yield* enter('fflush');
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    const bad = (yield* flushOut(s)) < 0;
    yield* op({ k: 'store', c: fileCell(id), v: s });
    return bad ? -1 : 0;
  });
  yield* leave('fflush');
  return r;
}

/** fclose: _IO_un_link, then under the FILE lock _IO_file_close_it (flush, close(2)), then free. */
export function* fclose(id: number): G<number> {
  yield* enter('fclose');
  const locks = yield* libcLocks();
  yield* unlink(id, locks);
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    const bad = (yield* flushOut(s)) < 0;
    const c = yield* op<number>({ k: 'close', fd: s.fd });
    if (s.buf) yield* free(s.buf);
    yield* op({ k: 'store', c: fileCell(id), v: { ...s, closed: true } });
    return bad || c < 0 ? -1 : 0;
  });
  yield* leave('fclose');
  return r;
}

/** fread / fgets's input: up to `n` bytes (stopping after a newline when `line`), '' at end of file. */
export function* fread(id: number, n: number, line: boolean, fn = 'fread'): G<string> {
  yield* enter(fn);
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    if (!s.read) return '';
    let got = '';
    while (got.length < n) {
      if (s.in.length === 0) {
        if (s.eof) break;
        if (!s.buf) s.buf = yield* malloc(BUF);
        // __underflow: flush pending output first on a stream open both ways, then read(2) a buffer.
        if (s.out.length > 0) yield* flushOut(s);
        const t = yield* op<string | number>({ k: 'read', fd: s.fd, n: BUF });
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
    yield* op({ k: 'store', c: fileCell(id), v: s });
    return got;
  });
  yield* leave(fn);
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
  yield* enter('fseek');
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    if ((yield* flushOut(s)) < 0) return -1;
    const adj = whence === 1 ? off - s.in.length : off;
    s.in = '';
    s.eof = false;
    const p = yield* op<number>({ k: 'lseek', fd: s.fd, off: adj, whence });
    yield* op({ k: 'store', c: fileCell(id), v: s });
    return p < 0 ? -1 : 0;
  });
  yield* leave('fseek');
  return r;
}

/** ftell (fp): the descriptor's offset, less the input buffered, plus the output not yet written. */
export function* ftell(id: number): G<number> {
  yield* enter('ftell');
  const r = yield* locked(id, function* () {
    const s = yield* state(id);
    const p = yield* op<number>({ k: 'lseek', fd: s.fd, off: 0, whence: 1 });
    return p < 0 ? p : p - s.in.length + s.out.length;
  });
  yield* leave('ftell');
  return r;
}

/**
 * fgets, fgetc and fread on stdin: under stdin's FILE lock, its buffer allocated on first use (as
 * getline's is), then read(2) of fd 0. The model's standard input is empty, so this is end of file
 * unless the world is given lines: '' then.
 */
export function* readStdin(n: number, fn: string): G<string> {
  yield* enter(fn);
  const locks = yield* libcLocks();
  if (locks) yield* op({ k: 'lock', m: STDIN_LOCK });
  if (locks && !(yield* op<boolean>({ k: 'stdio_buf', f: 'stdin', set: false }))) {
    yield* malloc(BUF);
    yield* op({ k: 'stdio_buf', f: 'stdin', set: true });
  }
  const t = yield* op<string | number>({ k: 'read', fd: 0, n: BUF });
  if (locks) yield* op({ k: 'unlock', m: STDIN_LOCK });
  yield* leave(fn);
  return typeof t === 'string' ? t.slice(0, n) : '';
}

/** fileno (fp): the FILE's descriptor (it reads the FILE, under no lock, as glibc's fileno does). */
export function* fileno(id: number): G<number> {
  return (yield* state(id)).fd;
}

/** The FILEs on _IO_list_all, newest first: fork's fresetlockfiles (posix/fork.c) re-initialises each one's lock in the child. */
export function* openFiles(): G<number[]> {
  if (!(yield* op<boolean>({ k: 'stdio_buf', f: 'fopen', set: false }))) return [];
  return (yield* op<FileList>({ k: 'load', c: LIST }))?.open ?? [];
}

/** The open FILEs whose buffer was allocated (used streams, which _IO_unbuffer_all tries to lock). */
export function* usedFiles(): G<number[]> {
  if (!(yield* op<boolean>({ k: 'stdio_buf', f: 'fopen', set: false }))) return [];
  const list = yield* op<FileList>({ k: 'load', c: LIST });
  const out: number[] = [];
  for (const id of list?.open ?? []) {
    const s = yield* op<FileState | null>({ k: 'load', c: fileCell(id) });
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
  if (!(yield* op<boolean>({ k: 'stdio_buf', f: 'fopen', set: false }))) return;
  const list = yield* op<FileList>({ k: 'load', c: LIST });
  if (!list) return;
  const locks = doLock && (yield* libcLocks());
  for (const id of list.open) {
    if (locks) yield* op({ k: 'lock', m: fileLock(id) });
    const loaded = yield* op<FileState | null>({ k: 'load', c: fileCell(id) });
    const s = loaded && { ...loaded };
    if (s && !s.closed && s.out.length > 0) {
      yield* flushOut(s);
      yield* op({ k: 'store', c: fileCell(id), v: s });
    }
    if (locks) yield* op({ k: 'unlock', m: fileLock(id) });
  }
}
