// Pipes (Linux fs/pipe.c, pipe(7)): pipe() makes a read end and a write end sharing one kernel buffer
// of 65,536 bytes. A read takes what is buffered (up to its count) and blocks while the buffer is empty
// and some process still has a write end open; with no write end left it returns 0 (end of file). A
// write of at most PIPE_BUF (4,096) bytes is atomic: it blocks until all of it fits. A write with no read
// end left raises SIGPIPE, whose default action ends the process; caught or ignored, write fails with
// EPIPE. Both ends are open file descriptions that fork and dup share; the buffer lives outside every
// process, so its access key is a system key ("sys/pipe:N"). Who holds each end has a key of its own
// ("sys/pipe:N:r", "sys/pipe:N:w"), written by every step that drops one (close, dup2 over it, exit,
// exec closing it, death by signal) and read by the I/O whose result it decides: a read's end of file
// depends on the write ends, a write's SIGPIPE on the read ends.
import { SIG_IGN } from '../../api/ops.ts';
import { EPIPE, O_CLOEXEC, SIGNUM } from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { Access } from '../../types.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { FdEntry, Pipe, Proc, Thread } from '../state.ts';
import { killProc } from './process.ts';

export const PIPE_CAPACITY = 65536;
export const PIPE_BUF = 4096;

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

/** read(fd, n) on a pipe's read end: can it return now? */
export function pipeReadable(k: Kernel, e: FdEntry): boolean {
  return e.ofd.end !== 'r' || e.ofd.pipe!.buf.length > 0 || !anyOpen(k, e.ofd.pipe!, 'w');
}

/** write(fd, text) on a pipe's write end: can it return now? */
export function pipeWritable(k: Kernel, e: FdEntry, n: number): boolean {
  if (e.ofd.end !== 'w') return true;
  return PIPE_CAPACITY - e.ofd.pipe!.buf.length >= Math.min(n, PIPE_BUF) || !anyOpen(k, e.ofd.pipe!, 'r');
}

/** The accesses of a read or write on a pipe end: the descriptor table and the pipe (and, for a write
 * that will raise SIGPIPE with no handler, the whole process it ends). */
export function pipeIoAccesses(k: Kernel, t: Thread, e: FdEntry, writing: boolean): Access[] {
  const other = e.ofd.end === 'w' ? 'r' : 'w';
  const acc = [reads(key.fd(t.pid)), writes(pipeKey(e.ofd.pipe!)), reads(holdersKey(e.ofd.pipe!, other))];
  if (writing && e.ofd.end === 'w' && !anyOpen(k, e.ofd.pipe!, 'r') && !k.procOf(t).handlers.get('SIGPIPE'))
    acc.push(writes(key.wholeProcess(t.pid)));
  return acc;
}

export function pipeRead(k: Kernel, t: Thread, fd: number, e: FdEntry, n: number): void {
  if (e.ofd.end !== 'r') {
    k.complete(t, -9); // EBADF: the write end is not open for reading
    return;
  }
  const pipe = e.ofd.pipe!;
  const text = pipe.buf.slice(0, n);
  pipe.buf = pipe.buf.slice(text.length);
  k.emit(t, { type: 'io.read', fd, text });
  k.complete(t, text);
}

export function pipeWrite(k: Kernel, t: Thread, fd: number, e: FdEntry, text: string): void {
  if (e.ofd.end !== 'w') {
    k.complete(t, -9);
    return;
  }
  const pipe = e.ofd.pipe!;
  if (text.length > PIPE_BUF) {
    k.threadThrew(
      t,
      new Error(
        `a write of ${text.length} bytes to a pipe: more than PIPE_BUF (${PIPE_BUF}), which the simulator does not model (Linux may split it)`,
      ),
    );
    return;
  }
  if (!anyOpen(k, pipe, 'r')) {
    const p = k.procOf(t);
    const h = p.handlers.get('SIGPIPE');
    if (!h) {
      k.emit(t, { type: 'signal.deliver', sig: 'SIGPIPE' });
      killProc(k, p, SIGNUM.SIGPIPE!, t);
      return;
    }
    if (h !== SIG_IGN) t.pendingSigs.push('SIGPIPE');
    k.complete(t, -EPIPE);
    return;
  }
  pipe.buf += text;
  k.emit(t, { type: 'io.write', fd, text });
  k.complete(t, text.length);
}

export const pipeOps: Models<'pipe'> = {
  pipe: {
    accesses: (_k, t) => [writes(key.fd(t.pid))],
    exec(k, t, o) {
      const p = k.procOf(t);
      const pipe: Pipe = { id: k.nextOfd(), buf: '' };
      const cloexec = !!(o.flags & O_CLOEXEC);
      const r = lowestFd(p);
      p.fds.set(r, { ofd: { id: k.nextOfd(), path: `pipe:[${pipe.id}]`, pipe, end: 'r' }, cloexec, clofork: false });
      const w = lowestFd(p);
      p.fds.set(w, { ofd: { id: k.nextOfd(), path: `pipe:[${pipe.id}]`, pipe, end: 'w' }, cloexec, clofork: false });
      k.emit(t, { type: 'fd.pipe', fds: [r, w], flags: cloexec ? ['O_CLOEXEC'] : [] });
      k.complete(t, [r, w]);
    },
    describe: () => 'pipe',
  },
};
