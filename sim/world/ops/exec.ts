// execve: a new image. Close-on-exec descriptors close, the other threads end, memory, atfork
// handlers and signal handlers are gone; with no image to run the process ends.
import { MALLOC_ATFORK_2_7 } from '../../api/malloc-atfork.ts';
import { SIG_IGN } from '../../api/ops.ts';
import { key } from '../../access.ts';
import { wrapMain } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { writes } from '../op-model.ts';
import { finishProc } from './process.ts';
import { pipeEnds } from './pipe.ts';
import { newArenas } from './malloc.ts';
import { MAIN_ARENA_NAME } from '../../api/libc-locks.ts';

export const execOps: Models<'execve'> = {
  execve: {
    accesses: (k, t) => [writes(key.wholeProcess(t.pid)), ...pipeEnds(k.procOf(t))],
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
      t.fn = wrapMain(o.image);
      t.args = [];
      t.record = [];
      t.frames = [{ gen: t.fn(), libcDepth: 0 }];
      t.pending = null;
      t.phase = 'run';
      k.emit(t, { type: 'thread.start', fn: o.image.name || o.path, args: [] });
      k.drive(t, undefined);
    },
    describe: (o) => `execve(${o.path})`,
  },
};
