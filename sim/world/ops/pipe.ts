// Pipes (Linux fs/pipe.c, pipe(7)): pipe() makes a read end and a write end sharing one kernel buffer
// of 16 pages (65,536 bytes when writes fill them). A read takes what is buffered (up to its count) and
// blocks while the buffer is empty and some process still has a write end open; with no write end left
// it returns 0 (end of file). A write of at most PIPE_BUF (4,096) bytes is atomic: it blocks until all of
// it fits; a longer one may go in by parts (pipeWrite). O_NONBLOCK turns each wait into EAGAIN. A write with no read
// end left raises SIGPIPE, whose default action ends the process; caught or ignored, write fails with
// EPIPE. Both ends are open file descriptions that fork and dup share; the buffer lives outside every
// process, so its access key is a system key ("sys/pipe:N"). Who holds each end has a key of its own
// ("sys/pipe:N:r", "sys/pipe:N:w"), written by every step that drops one (close, dup2 over it, exit,
// exec closing it, death by signal) and read by the I/O whose result it decides: a read's end of file
// depends on the write ends, a write's SIGPIPE on the read ends.
import { SIG_IGN } from '../../api/ops.ts';
import { EAGAIN, EPIPE, O_CLOEXEC, O_NONBLOCK, SIGNUM } from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { Access } from '../../types.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { FdEntry, Pipe, Proc, Thread } from '../state.ts';
import { killProc } from './process.ts';
import { sigchldAccesses } from './signal.ts';

export const PIPE_CAPACITY = 65536;
export const PIPE_BUF = 4096;
/** The ring's pages: PIPE_DEF_BUFFERS (include/linux/pipe_fs_i.h), of PAGE_SIZE bytes each. */
const PIPE_SLOTS = 16;
const PAGE_SIZE = 4096;

const pipeKey = (p: Pipe) => key.system(`pipe:${p.id}`);
const holdersKey = (p: Pipe, end: 'r' | 'w') => key.system(`pipe:${p.id}:${end}`);

/** The pipe keys of the pipe ends `p` holds (or only descriptor `fd`): the steps that drop them write these. */
export function pipeEnds(p: Proc | undefined, fd?: number): Access[] {
  if (!p) return [];
  const seen = new Set<string>();
  const out: Access[] = [];
  for (const [n, e] of p.fds) {
    if (!e.ofd.pipe || (fd !== undefined && n !== fd)) continue;
    const k = holdersKey(e.ofd.pipe, e.ofd.end!);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(writes(k));
  }
  return out;
}

/** The pipe end behind descriptor `fd` of `p`, if it is one. */
export function pipeEntry(p: Proc, fd: number): FdEntry | undefined {
  const e = p.fds.get(fd);
  return e?.ofd.pipe ? e : undefined;
}

/** Whether any live process holds the `end` of pipe `pipe` open. */
function anyOpen(k: Kernel, pipe: Pipe, end: 'r' | 'w'): boolean {
  for (const q of k.allProcs()) {
    if (q.exited) continue;
    for (const e of q.fds.values()) if (e.ofd.pipe === pipe && e.ofd.end === end) return true;
  }
  return false;
}

function lowestFd(p: Proc): number {
  let fd = 0;
  while (p.fds.has(fd)) fd++;
  return fd;
}

/** The bytes buffered in `pipe`. */
export function buffered(pipe: Pipe): number {
  let n = 0;
  for (const s of pipe.slots) n += s.text.length;
  return n;
}

/** How many of the first bytes of `text` pipe_write would merge into the last page (its first step). */
function mergeable(pipe: Pipe, text: string): number {
  const chars = text.length & (PAGE_SIZE - 1);
  const last = pipe.slots[pipe.slots.length - 1];
  return chars && last && last.at + last.text.length + chars <= PAGE_SIZE ? chars : 0;
}

/** read(fd, n) on a pipe's read end: can it return now? */
export function pipeReadable(k: Kernel, e: FdEntry): boolean {
  return e.ofd.end !== 'r' || !!e.ofd.nonblock || e.ofd.pipe!.slots.length > 0 || !anyOpen(k, e.ofd.pipe!, 'w');
}

/** write(fd, ...) on a pipe's write end: can it return now, or put some of its bytes in? */
export function pipeWritable(k: Kernel, e: FdEntry, o: { text: string; done?: number }): boolean {
  if (e.ofd.end !== 'w' || e.ofd.nonblock) return true;
  const pipe = e.ofd.pipe!;
  if (pipe.slots.length < PIPE_SLOTS || !anyOpen(k, pipe, 'r')) return true;
  // The merge is pipe_write's first step only; a write already under way waits for a free page.
  return o.done === undefined && mergeable(pipe, o.text) > 0;
}

/** The accesses of a read or write on a pipe end: the descriptor table and the pipe (and, for a write
 * that will raise SIGPIPE with no handler, the whole process it ends). */
export function pipeIoAccesses(k: Kernel, t: Thread, e: FdEntry, writing: boolean): Access[] {
  const other = e.ofd.end === 'w' ? 'r' : 'w';
  const acc = [reads(key.fd(t.pid)), writes(pipeKey(e.ofd.pipe!)), reads(holdersKey(e.ofd.pipe!, other))];
  if (writing && e.ofd.end === 'w' && !anyOpen(k, e.ofd.pipe!, 'r') && !k.procOf(t).handlers.get('SIGPIPE'))
    acc.push(writes(key.wholeProcess(t.pid)), ...sigchldAccesses(k, k.procOf(t)));
  return acc;
}

/** fcntl F_SETFL on a pipe end changes what every I/O on the pipe does: it writes the pipe's key. */
export function pipeFlagAccesses(p: Proc, fd: number): Access[] {
  const e = pipeEntry(p, fd);
  return e ? [writes(pipeKey(e.ofd.pipe!))] : [];
}

/**
 * pipe_read (fs/pipe.c): up to n bytes from the pages in order, a page freed once read to its end.
 * With nothing buffered it returns 0 when no write end is open, else -EAGAIN under O_NONBLOCK (and
 * otherwise waits: canRun).
 */
export function pipeRead(k: Kernel, t: Thread, fd: number, e: FdEntry, n: number): void {
  if (e.ofd.end !== 'r') {
    k.complete(t, -9); // EBADF: the write end is not open for reading
    return;
  }
  const pipe = e.ofd.pipe!;
  if (pipe.slots.length === 0 && n > 0 && anyOpen(k, pipe, 'w')) {
    k.complete(t, -EAGAIN); // only under O_NONBLOCK: a blocking read waits (pipeReadable)
    return;
  }
  let text = '';
  while (text.length < n && pipe.slots.length > 0) {
    const s = pipe.slots[0]!;
    const take = s.text.slice(0, n - text.length);
    text += take;
    s.at += take.length;
    s.text = s.text.slice(take.length);
    if (s.text.length === 0) pipe.slots.shift();
  }
  k.emit(t, { type: 'io.read', fd, text });
  k.complete(t, text);
}

/**
 * pipe_write (fs/pipe.c): with no read end, SIGPIPE (and -EPIPE, or the bytes already written). Its
 * first step merges the write's last len % 4096 bytes' worth, from the front, into the last page when
 * they fit; then one free page (of 16) per 4,096 bytes. So a write of at most PIPE_BUF bytes goes in
 * whole or waits; a longer one puts in what fits, and waits for the reader with the rest, when other
 * writers may get in between (O_NONBLOCK: it returns the count so far, or -EAGAIN for none).
 */
export function pipeWrite(k: Kernel, t: Thread, fd: number, e: FdEntry, text: string, already?: number): void {
  const done = already ?? 0;
  if (e.ofd.end !== 'w') {
    k.complete(t, -9);
    return;
  }
  const pipe = e.ofd.pipe!;
  if (!anyOpen(k, pipe, 'r')) {
    const p = k.procOf(t);
    const h = p.handlers.get('SIGPIPE');
    if (!h) {
      k.emit(t, { type: 'signal.deliver', sig: 'SIGPIPE' });
      killProc(k, p, SIGNUM.SIGPIPE!, t);
      return;
    }
    if (h !== SIG_IGN) t.pendingSigs.push('SIGPIPE');
    k.complete(t, done > 0 ? done : -EPIPE);
    return;
  }
  let put = '';
  const merge = already === undefined ? mergeable(pipe, text) : 0;
  if (merge > 0) {
    pipe.slots[pipe.slots.length - 1]!.text += text.slice(0, merge);
    put = text.slice(0, merge);
  }
  while (put.length < text.length && pipe.slots.length < PIPE_SLOTS) {
    const page = text.slice(put.length, put.length + PAGE_SIZE);
    pipe.slots.push({ at: 0, text: page });
    put += page;
  }
  if (put.length > 0) k.emit(t, { type: 'io.write', fd, text: put });
  const total = done + put.length;
  if (put.length === text.length) k.complete(t, total);
  else if (e.ofd.nonblock) k.complete(t, total > 0 ? total : -EAGAIN);
  else t.pending = { k: 'write', fd, text: text.slice(put.length), done: total };
}

export const pipeOps: Models<'pipe'> = {
  pipe: {
    accesses: (_k, t) => [writes(key.fd(t.pid))],
    exec(k, t, o) {
      const p = k.procOf(t);
      const pipe: Pipe = { id: k.nextOfd(t), slots: [] };
      const cloexec = !!(o.flags & O_CLOEXEC);
      const nb = o.flags & O_NONBLOCK ? { nonblock: true } : {};
      const path = `pipe:[${pipe.id}]`;
      const r = lowestFd(p);
      p.fds.set(r, { ofd: { id: k.nextOfd(t), path, pipe, end: 'r', ...nb }, cloexec, clofork: false });
      const w = lowestFd(p);
      p.fds.set(w, { ofd: { id: k.nextOfd(t), path, pipe, end: 'w', ...nb }, cloexec, clofork: false });
      const flags = [...(cloexec ? ['O_CLOEXEC'] : []), ...(nb.nonblock ? ['O_NONBLOCK'] : [])];
      k.emit(t, { type: 'fd.pipe', fds: [r, w], flags });
      k.complete(t, [r, w]);
    },
    describe: () => 'pipe',
  },
};
