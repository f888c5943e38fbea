// execve: a new image. Close-on-exec descriptors close, the other threads end (the caller becomes the
// leader, tid == pid), memory, atfork handlers and signal handlers are gone; with no image to run the
// process ends.
import { MALLOC_ATFORK_2_7 } from '../../api/malloc-atfork.ts';
import { SIG_IGN } from '../../api/ops.ts';
import { key } from '../../access.ts';
import { wrapMain, type Kernel } from '../kernel.ts';
import type { Proc, Thread } from '../state.ts';
import { SPURIOUS_PER_THREAD } from './cond.ts';
import type { Models } from '../op-model.ts';
import { writes } from '../op-model.ts';
import { finishProc } from './process.ts';
import { pipeEnds } from './pipe.ts';
import { sigchldAccesses } from './signal.ts';
import { startedBy } from '../fingerprint.ts';
import { newArenas } from './malloc.ts';
import { MAIN_ARENA_NAME } from '../../api/libc-locks.ts';

/**
 * Linux's de_thread (fs/exec.c) for an execve from a thread other than the leader: the other threads
 * are killed, and the exec'ing thread takes over the leader's struct pid ("exchange_tids(tsk, leader)"),
 * so the new image's only thread has tid == pid, and its old tid is gone. The leader's thread record
 * carries on as that thread.
 */
function deThread(k: Kernel, t: Thread, p: Proc): Thread {
  const u = k.thread(p.pid)!;
  u.exited = false;
  u.exitValue = undefined;
  u.joined = false;
  u.clock = t.clock;
  u.pendingSigs = t.pendingSigs;
  // execve keeps the thread's signal mask and its pending signals.
  u.sigmask = t.sigmask;
  u.tcb = u.tid;
  u.spuriousLeft = SPURIOUS_PER_THREAD;
  u.arena = t.arena;
  u.tcache = t.tcache;
  u.started = t.started;
  delete u.copyOf;
  delete u.cv;
  t.exited = true;
  t.exitTime = t.clock;
  t.pending = null;
  t.pendingSigs = [];
  p.threads = [u.tid];
  return u;
}

export const execOps: Models<'execve'> = {
  execve: {
    // With other threads it changes the thread set too (they end; the caller may become the leader).
    accesses: (k, t, o) => [
      writes(key.wholeProcess(t.pid)),
      ...pipeEnds(k.procOf(t)),
      ...(k.procOf(t).threads.length > 1 ? [writes(key.threads(t.pid)), writes(key.signalTargets(t.pid))] : []),
      // With no image to run, the process ends; with one, a caught SIGCHLD goes back to its default.
      ...(o.image ? [writes(key.chldAction(t.pid))] : sigchldAccesses(k, k.procOf(t))),
    ],
    exec(k, t, o) {
      const p = k.procOf(t);
      const closed: number[] = [];
      for (const [fd, e] of p.fds) if (e.cloexec) closed.push(fd);
      for (const fd of closed) p.fds.delete(fd);
      k.emit(t, { type: 'proc.exec', path: o.path, closed });
      for (const tid of p.threads) {
        if (tid === t.tid) continue;
        const u = k.thread(tid)!;
        u.exited = true;
        u.pending = null;
      }
      p.threads = [t.tid];
      p.mem = new Map();
      p.atfork = k.libc === 'glibc-2.7' ? [MALLOC_ATFORK_2_7] : [];
      // Caught signals return to SIG_DFL; ignored ones stay ignored (POSIX exec).
      p.handlers = new Map([...p.handlers].filter(([, h]) => h === SIG_IGN));
      p.multiThreaded = false;
      p.stdioBufs = [];
      p.stdStreams = {};
      p.environ = { init: o.env ?? p.environ.init, set: [] };
      p.arenas = newArenas();
      t.arena = MAIN_ARENA_NAME;
      t.tcache = null;
      t.started = false;
      delete p.forkedThreads;
      delete p.exitedThreads;
      p.childOfMultiThreaded = false;
      if (!o.image) {
        finishProc(k, p, t, 0, 'exec-image');
        return;
      }
      const u = t.tid === p.pid ? t : deThread(k, t, p);
      u.origin = startedBy(t);
      u.fn = wrapMain(o.image);
      u.args = [];
      u.record = [];
      u.frames = [{ gen: u.fn(), libcDepth: 0 }];
      u.pending = null;
      u.phase = 'run';
      k.emit(u, { type: 'thread.start', fn: o.image.name || o.path, args: [] });
      k.drive(u, undefined);
    },
    describe: (o) => `execve(${o.path})`,
  },
};
