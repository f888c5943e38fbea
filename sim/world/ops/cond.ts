// Condition variables: pthread_cond_wait (unlock and wait, then re-take the mutex), signal and
// broadcast, and the spurious wake-up a thread may take as it calls pthread_cond_wait ("TID~spurious").
import type { Access } from '../../types.ts';
import type { StepOp } from '../../api/ops.ts';
import { key } from '../../access.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { writes } from '../op-model.ts';
import type { CondObj, Thread } from '../state.ts';
import {
  doUnlock,
  heldByLiveOther,
  lockAccesses,
  lockAccessesWhileBlocked,
  lockAttempt,
  stuckOnMutex,
} from './mutex.ts';

type CondWait = Extract<StepOp, { k: 'cond_wait' }>;

/**
 * Spurious wake-ups a thread may be given per execution. POSIX allows them (pthread_cond_wait: "spurious
 * wakeups from the pthread_cond_timedwait() or pthread_cond_wait() functions may occur") but not
 * infinitely many; glibc's __pthread_cond_wait_common (nptl/pthread_cond_wait.c) sleeps in futex_wait
 * on __g_signals until a signal or broadcast makes one available, so a waiter nobody signals is stuck.
 * The explorer tries the wake-up as a choice the waiting thread makes when it calls pthread_cond_wait
 * ("TID~spurious": it releases the mutex and comes back without being signalled, re-taking the mutex
 * in a later step, as late as any schedule likes). That keeps the choice local to the thread, as
 * partial-order reduction needs, and once a thread sleeps in the wait, only a signal wakes it.
 * One per thread lets the explorer try a wait that returns with its predicate false and keeps a
 * predicate loop finite.
 */
export const SPURIOUS_PER_THREAD = 1;

/** The thread may take "TID~spurious" now: it is about to call pthread_cond_wait and has one left. */
export function spuriousAvailable(t: Thread): boolean {
  return t.pending?.k === 'cond_wait' && t.phase === 'run' && t.spuriousLeft > 0;
}

/** A spurious wake-up releases the mutex, like the wait it replaces. */
export function spuriousAccesses(t: Thread): Access[] {
  const o = t.pending as CondWait;
  return [writes(key.cond(t.pid, o.c.name)), writes(key.mutex(t.pid, o.m.name))];
}

/**
 * pthread_cond_wait that returns without a signal: the waiter releases the mutex and never sleeps on
 * the condition variable; its next step re-takes the mutex (as late as any schedule likes).
 */
export function spurious(k: Kernel, t: Thread): void {
  t.spuriousLeft--;
  const o = t.pending as CondWait;
  const p = k.procOf(t);
  const m = k.mutexObj(p, o.m);
  const c = k.mem(p, o.c) as CondObj;
  doUnlock(k, t, m);
  k.emit(t, { type: 'cond.wait', name: c.name, mutex: m.name });
  k.emit(t, { type: 'cond.signal', name: c.name, woken: [t.tid], broadcast: false });
  t.phase = 'relock';
}

export const condOps: Models<'cond_wait' | 'cond_signal'> = {
  cond_wait: {
    accesses: (k, t, o) =>
      t.phase === 'run'
        ? [writes(key.cond(t.pid, o.c.name)), writes(key.mutex(t.pid, o.m.name))]
        : lockAccesses(k, t, o.m),
    blockedAccesses: (k, t, o) => lockAccessesWhileBlocked(k, t, o.m),
    // Only the re-take can wait for another thread ('blocking' mode); the wait itself is the 'cond' phase.
    canRun: (k, t, o) => !(k.blockingLocks && t.phase === 'relock' && heldByLiveOther(k, t, k.procOf(t), o.m)),
    exec(k, t, o) {
      const p = k.procOf(t);
      const m = k.mutexObj(p, o.m);
      if (t.phase === 'run') {
        const c = k.mem(p, o.c) as CondObj;
        doUnlock(k, t, m);
        c.waiters.push(t.tid);
        t.phase = 'cond';
        k.emit(t, { type: 'cond.wait', name: c.name, mutex: m.name });
        return;
      }
      // relock (after a signal) or woken (after the mutex's FUTEX_WAKE)
      if (t.phase === 'relock') t.phase = 'run';
      if (lockAttempt(k, t, m)) k.complete(t, 0);
    },
    describe: (o) => `pthread_cond_wait(${o.c.name}, ${o.m.name})`,
    stuck: (k, t, o) =>
      t.phase === 'cond'
        ? {
            pid: t.pid,
            tid: t.tid,
            waitsFor: { kind: 'cond', name: o.c.name },
            sentence: `Thread ${t.tid} of process ${t.pid} waits on condition variable ${o.c.name}, which no thread will signal.`,
          }
        : stuckOnMutex(k, t, o.m),
  },
  cond_signal: {
    accesses: (_k, t, o) => [writes(key.cond(t.pid, o.c.name))],
    exec(k, t, o) {
      const c = k.mem(k.procOf(t), o.c) as CondObj;
      const woken = o.all ? c.waiters.splice(0) : c.waiters.splice(0, 1);
      for (const tid of woken) {
        const u = k.thread(tid)!;
        u.phase = 'relock';
        u.clock = Math.max(u.clock, t.clock);
      }
      k.emit(t, { type: 'cond.signal', name: c.name, woken, broadcast: o.all });
      k.complete(t, 0);
    },
    describe: (o) => `pthread_cond_${o.all ? 'broadcast' : 'signal'}(${o.c.name})`,
  },
};
