// Threads: pthread_create, pthread_join and a thread's end (pthread_exit, or its function returning).
import { EINVAL, ESRCH } from '../../api/posix.ts';
import { JoinError } from '../../api/ops.ts';
import { key } from '../../access.ts';
import type { Access } from '../../types.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { Proc, Thread } from '../state.ts';
import { finishProc } from './process.ts';
import { pipeEnds } from './pipe.ts';

/** The thread ends with `value`; the last thread's end ends the process with status 0, as exit(0) would. */
export function threadExit(k: Kernel, t: Thread, p: Proc, value: unknown): void {
  t.exited = true;
  t.exitValue = value;
  t.exitTime = t.clock;
  t.pending = null;
  p.threads = p.threads.filter((x) => x !== t.tid);
  k.emit(t, { type: 'thread.exit', value });
  if (p.threads.length === 0) finishProc(k, p, t, 0, 'return');
}

/** Is `pid` the parent of `p`, or the parent's parent, and so on? */
function isAncestor(k: Kernel, p: Proc, pid: number): boolean {
  for (let q = k.proc(p.ppid); q; q = k.proc(q.ppid)) if (q.pid === pid) return true;
  return false;
}

export const threadOps: Models<'create' | 'join' | 'detach' | 'texit'> = {
  // The thread table is kept outside "PID/": fork copies memory and descriptors, never the other
  // threads, so creating or ending a thread commutes with a fork.
  create: {
    accesses: (_k, t) => [writes(key.threads(t.pid)), reads(key.signalTargets(t.pid))],
    exec(k, t, o) {
      const p = k.procOf(t);
      const tid = k.nextId();
      p.multiThreaded = true;
      k.emit(t, { type: 'thread.create', child: tid });
      const u = k.newThread(tid, p.pid, o.fn, o.args, t.clock);
      u.started = true;
      k.emit(u, { type: 'thread.start', fn: o.fn.name || 'thread', args: o.args });
      k.drive(u, undefined);
      k.complete(t, tid);
    },
    describe: (o) => `pthread_create(${o.fn.name || 'fn'})`,
  },
  join: {
    // A join waits for an exit that never reverts: `await` tells the explorer it cannot be moved
    // before that exit (sim/README.md, the explorer).
    accesses: (_k, t, o) => [{ obj: key.thread(t.pid, o.tid), write: true, await: true }],
    canRun(k, t, o) {
      const u = k.thread(o.tid);
      return !u || u.pid !== t.pid || u.exited;
    },
    exec(k, t, o) {
      const u = k.thread(o.tid);
      if (u && u.pid !== t.pid && isAncestor(k, k.procOf(t), u.pid)) {
        // A thread of the parent (or further up), in the child: glibc's reclaim_stacks
        // (sysdeps/nptl/fork.h) set its descriptor's tid to 0, and __pthread_clockjoin_ex
        // (nptl/pthread_join_common.c) waits only while it is not 0: the join returns 0 at once. The
        // value is the descriptor's result, NULL for a thread that was running at the fork; the model
        // gives NULL always, so that a thread's exit still commutes with a fork (a thread that had
        // exited unjoined before the fork really gives its return value).
        k.emit(t, { type: 'thread.join', target: o.tid, value: null });
        k.complete(t, null);
        return;
      }
      if (u?.detached && u.pid === t.pid) {
        // nptl/pthread_join_common.c: `if (IS_DETACHED (pd)) return EINVAL;`
        k.emit(t, { type: 'thread.join', target: o.tid, value: null });
        k.complete(t, new JoinError(EINVAL));
        return;
      }
      if (!u || u.pid !== t.pid || u.joined) {
        k.complete(t, ESRCH);
        return;
      }
      u.joined = true;
      t.clock = Math.max(t.clock, u.exitTime);
      k.emit(t, { type: 'thread.join', target: u.tid, value: u.exitValue });
      k.complete(t, u.exitValue);
    },
    describe: (o) => `pthread_join(${o.tid})`,
    stuck: (_k, t, o) => ({
      pid: t.pid,
      tid: t.tid,
      waitsFor: { kind: 'join', tid: o.tid },
      sentence: `Thread ${t.tid} of process ${t.pid} waits in pthread_join for thread ${o.tid}, which never finishes.`,
    }),
  },
  detach: {
    // The thread's joinable state, which its exit and a join also write.
    accesses: (_k, t, o) => [writes(key.thread(t.pid, o.tid))],
    exec(k, t, o) {
      const u = k.thread(o.tid);
      if (!u || u.pid !== t.pid || u.joined) {
        k.complete(t, ESRCH);
        return;
      }
      // nptl/pthread_detach.c: a thread already detached gives EINVAL.
      if (u.detached) {
        k.complete(t, EINVAL);
        return;
      }
      u.detached = true;
      k.complete(t, 0);
    },
    describe: (o) => `pthread_detach(${o.tid})`,
  },
  texit: {
    accesses(k, t) {
      // Only the last thread's exit touches the table as a whole: it ends the process.
      const acc: Access[] = [writes(key.thread(t.pid, t.tid)), reads(key.signalTargets(t.pid))];
      if (k.procOf(t).threads.length === 1)
        acc.push(writes(key.threads(t.pid)), writes(key.exit(t.pid)), ...pipeEnds(k.procOf(t)));
      return acc;
    },
    exec: (k, t, o) => threadExit(k, t, k.procOf(t), o.value),
    describe: () => 'pthread_exit',
  },
};
