// Threads: pthread_create, pthread_join and a thread's end (pthread_exit, or its function returning).
import { EDEADLK, EINVAL, ESRCH } from '../../api/posix.ts';
import { JoinError } from '../../api/ops.ts';
import { key } from '../../access.ts';
import type { Access } from '../../types.ts';
import { insertById, type Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { Proc, Thread } from '../state.ts';
import { finishProc } from './process.ts';
import { pipeEnds } from './pipe.ts';
import { sigchldAccesses } from './signal.ts';
import { startedBy } from '../fingerprint.ts';

/** The thread ends with `value`; the last thread's end ends the process with status 0, as exit(0) would. */
export function threadExit(k: Kernel, t: Thread, p: Proc, value: unknown): void {
  t.exited = true;
  t.exitValue = value;
  t.exitTime = t.clock;
  t.pending = null;
  p.threads = p.threads.filter((x) => x !== t.tid);
  // By tid: exits in two threads commute, and the order changes nothing ahead.
  insertById((p.exitedThreads ??= []), t.tid);
  k.emit(t, { type: 'thread.exit', value });
  if (p.threads.length === 0) finishProc(k, p, t, 0, 'return');
}

/**
 * The descriptors a child made by fork copies from `p` (forked by `t`): every other thread `p` has
 * had, with the result a join in the child returns. glibc's reclaim_stacks (sysdeps/nptl/fork.h) marks
 * every descriptor but the caller's free (curp->tid = 0) and leaves pd->result as it was: NULL for a
 * thread still running, the value of one that had exited unjoined (measured, glibc 2.36:
 * tests/sim/fidelity-threads-fork.test.ts). A joined thread's descriptor was freed: NULL (a join on it
 * is undefined). The parent's own copies of its ancestors' descriptors come along too.
 *
 * Only the results that are not NULL are kept: a join in the child on any other thread of an ancestor
 * gets NULL (inheritedResult). So a thread the parent creates after the fork reads as one created
 * before it, which the child cannot tell apart (it learns the tid only through memory written after
 * the create, or a pipe), and a fork commutes with a pthread_create in another thread: the two orders
 * reach one state, which state caching needs.
 */
export function forkedDescriptors(k: Kernel, p: Proc, t: Thread): Map<number, unknown> {
  const out = new Map(p.forkedThreads ?? []);
  for (const tid of p.exitedThreads ?? []) {
    const u = k.thread(tid)!;
    const value = u.joined ? null : resultOf(u.exitValue);
    if (tid !== t.tid && value !== null) out.set(tid, value);
  }
  return out;
}

/**
 * The result a join in process `p` reads of thread `u` of another process, when `u` is a thread of an
 * ancestor whose descriptors `p` copied (through forks, with no execve since): its pd->result as the
 * fork copied it (forkedDescriptors). Undefined when `u` is no such thread.
 */
function inheritedResult(k: Kernel, p: Proc, u: Thread): unknown {
  for (let q: Proc | undefined = p; q?.forkedThreads !== undefined; q = k.proc(q.ppid)) {
    if (q.ppid === u.pid) return p.forkedThreads!.get(u.tid) ?? null;
  }
  return undefined;
}

/** pd->result as C sees it: a thread that returned NULL (or nothing, or 0) has the NULL a running one has. */
export function resultOf(v: unknown): unknown {
  return v === undefined || v === 0 ? null : v;
}

/**
 * What fork reads of the thread table: the result of each other thread that is live or exited and
 * not joined, which the child's copy keeps. A thread's exit and a join write it when it is not NULL,
 * so each is ordered with a fork both ways; an exit with NULL gives the child the same NULL in either
 * order, and commutes with the fork.
 */
export function forkDescriptorReads(k: Kernel, t: Thread): Access[] {
  const p = k.procOf(t);
  const tids = [...p.threads, ...(p.exitedThreads ?? []).filter((tid) => !k.thread(tid)!.joined)];
  return tids.filter((tid) => tid !== t.tid).map((tid) => reads(key.threadResult(t.pid, tid)));
}

export const threadOps: Models<'create' | 'join' | 'detach' | 'texit' | 'tlast'> = {
  // The thread table is kept outside "PID/": fork copies memory and descriptors, never the other
  // threads, so creating or ending a thread commutes with a fork.
  create: {
    accesses: (_k, t) => [writes(key.threads(t.pid)), reads(key.signalTargets(t.pid))],
    exec(k, t, o) {
      const p = k.procOf(t);
      const tid = k.nextId(t);
      p.multiThreaded = true;
      // A descriptor freed by a join or by a detached thread's exit may be the one this thread gets.
      for (const x of p.exitedThreads ?? []) {
        const v = k.thread(x)!;
        if (v.joined || v.detached) v.descriptorReused = true;
      }
      k.emit(t, { type: 'thread.create', child: tid });
      const u = k.newThread(tid, p.pid, o.fn, o.args, t.clock);
      u.started = true;
      u.origin = startedBy(t);
      // pthread_create: the new thread starts with its creator's signal mask (nothing pending).
      u.sigmask = t.sigmask;
      k.emit(u, { type: 'thread.start', fn: o.fn.name || 'thread', args: o.args });
      k.drive(u, undefined);
      k.complete(t, tid);
    },
    describe: (o) => `pthread_create(${o.fn.name || 'fn'})`,
  },
  join: {
    // A join waits for an exit that never reverts: `await` tells the explorer it cannot be moved
    // before that exit (sim/README.md, the explorer).
    // It also frees the descriptor, so a later fork no longer copies its result (when not NULL).
    accesses(k, t, o) {
      const acc: Access[] = [{ obj: key.thread(t.pid, o.tid), write: true, await: true }];
      const u = k.thread(o.tid);
      if (u && u.pid === t.pid && (!u.exited || resultOf(u.exitValue) !== null))
        acc.push(writes(key.threadResult(t.pid, o.tid)));
      // Whether a freed descriptor is still unused depends on every pthread_create since.
      if (u && u.pid === t.pid && (u.joined || (u.detached && u.exited))) acc.push(reads(key.threads(t.pid)));
      return acc;
    },
    canRun(k, t, o) {
      const u = k.thread(o.tid);
      return !u || u.pid !== t.pid || u.exited || o.tid === t.tcb;
    },
    exec(k, t, o) {
      const u = k.thread(o.tid);
      if (o.tid === t.tcb) {
        // __pthread_clockjoin_ex (nptl/pthread_join_common.c): `if (pd == self ...) return EDEADLK;`,
        // and in a child made by fork too, where pthread_self() is the forking thread's descriptor.
        k.complete(t, new JoinError(EDEADLK));
        return;
      }
      if (u && u.pid === t.pid && u.descriptorReused) {
        k.threadThrew(
          t,
          new Error(
            `pthread_join(${o.tid}) on a thread whose descriptor was freed (${u.joined ? 'joined' : 'detached, exited'}) and a pthread_create came after: glibc may have given it to the new thread (allocate_stack's stack cache), which the simulator does not model; undefined behaviour`,
          ),
        );
        return;
      }
      if (!u) {
        k.threadThrew(
          t,
          new Error(
            `pthread_join(${o.tid}) names no thread: glibc's pthread_t is the address of a thread descriptor, so this is undefined behaviour (no ESRCH)`,
          ),
        );
        return;
      }
      const fromAncestor = u.pid === t.pid ? undefined : inheritedResult(k, k.procOf(t), u);
      if (fromAncestor !== undefined) {
        // A thread of the parent (or further up), in the child: reclaim_stacks set its descriptor's tid
        // to 0, and __pthread_clockjoin_ex (nptl/pthread_join_common.c) waits only while it is not 0,
        // so the join returns at once with the descriptor's pd->result.
        k.emit(t, { type: 'thread.join', target: o.tid, value: fromAncestor });
        k.complete(t, fromAncestor);
        return;
      }
      if (u.detached && u.pid === t.pid) {
        // nptl/pthread_join_common.c: `if (IS_DETACHED (pd)) return EINVAL;`
        k.emit(t, { type: 'thread.join', target: o.tid, value: null });
        k.complete(t, new JoinError(EINVAL));
        return;
      }
      if (u.pid !== t.pid || u.joined) {
        // A joined thread's descriptor keeps pd->tid == -1 ("We mark the thread as terminated and as
        // joined") until a pthread_create reuses it: INVALID_NOT_TERMINATED_TD_P, ESRCH. (u.pid differs
        // only for a thread that is no ancestor's either: after exec, say.)
        k.complete(t, new JoinError(ESRCH));
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
    accesses(k, t, o) {
      // Only the last thread's exit touches the table as a whole: it ends the process.
      const acc: Access[] = [writes(key.thread(t.pid, t.tid)), reads(key.signalTargets(t.pid))];
      if (resultOf(o.value) !== null) acc.push(writes(key.threadResult(t.pid, t.tid)));
      if (k.procOf(t).threads.length === 1)
        acc.push(
          writes(key.threads(t.pid)),
          writes(key.exit(t.pid)),
          ...pipeEnds(k.procOf(t)),
          ...sigchldAccesses(k, k.procOf(t)),
        );
      return acc;
    },
    exec: (k, t, o) => threadExit(k, t, k.procOf(t), o.value),
    describe: () => 'pthread_exit',
  },
  tlast: {
    // The count that pthread_create raises and each leaving thread lowers.
    accesses: (_k, t) => [writes(key.threads(t.pid))],
    exec(k, t) {
      const p = k.procOf(t);
      t.leaving = true;
      k.complete(
        t,
        p.threads.every((x) => k.thread(x)!.leaving),
      );
    },
    describe: () => '__nptl_nthreads--',
  },
};
