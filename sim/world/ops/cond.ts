// Condition variables as steps: pthread_cond_wait (register and release the mutex, sleep until its
// group has a signal, re-take the mutex), _signal and _broadcast, pthread_cond_init, and the spurious
// wake-up a thread may take as it calls pthread_cond_wait ("TID~spurious"). The algorithm is glibc
// 2.36's, in cond-glibc.ts; what each step may touch, and why a thread is stuck, are here.
import type { Access, StuckThread } from '../../types.ts';
import type { StepOp } from '../../api/ops.ts';
import { key } from '../../access.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import { addrOf, lockRefOf } from '../naming.ts';
import { zeroCond, type CondObj, type MutexObj, type Thread } from '../state.ts';
import {
  acquireLock,
  futexSleep,
  futexWake,
  register,
  releaseLock,
  signalBody,
  waitEnds,
  waitLoop,
  wordName,
} from './cond-glibc.ts';
import {
  doUnlock,
  heldByLiveOther,
  holds,
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
 * The wake-up is outside glibc's algorithm: it touches none of the condvar's fields.
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

/** The waiter re-takes the mutex in the step its wait ends, unless 'blocking' mode must wait for the holder. */
function relock(k: Kernel, t: Thread, o: CondWait): void {
  t.phase = 'relock';
  if (k.blockingLocks && heldByLiveOther(k, t, k.procOf(t), o.m)) return;
  t.phase = 'run';
  if (retake(k, t, k.mutexObj(k.procOf(t), o.m))) k.complete(t, 0);
}

/**
 * The waiter's re-take, glibc's __pthread_mutex_cond_lock (nptl/pthread_mutex_cond_lock.c builds
 * pthread_mutex_lock.c). A recursive mutex locked more than once is still the waiter's: the wait's
 * __pthread_mutex_unlock_usercnt only decremented __count ("We still hold the mutex"), and the
 * re-take finds __owner == id and bumps the counter back ("Just bump the counter").
 */
function retake(k: Kernel, t: Thread, m: MutexObj): boolean {
  if (t.phase === 'run' && m.type === 'recursive' && holds(m, t)) {
    m.count++;
    k.emit(t, { type: 'mutex.lock', lock: lockRefOf(m), word: m.word, count: m.count });
    return true;
  }
  return lockAttempt(k, t, m);
}

const condOf = (k: Kernel, t: Thread, h: { handle: string; name: string }): CondObj => k.mem(k.procOf(t), h) as CondObj;

export const condOps: Models<'cond_wait' | 'cond_signal' | 'cond_init'> = {
  cond_wait: {
    accesses(k, t, o) {
      const cv = writes(key.cond(t.pid, o.c.name));
      if (t.phase === 'run') return [cv, writes(key.mutex(t.pid, o.m.name))];
      if (t.phase === 'condwake') {
        const ends = waitEnds(condOf(k, t, o.c), t);
        const waits = k.blockingLocks && heldByLiveOther(k, t, k.procOf(t), o.m);
        return ends && !waits ? [cv, ...lockAccesses(k, t, o.m)] : [cv];
      }
      return lockAccesses(k, t, o.m);
    },
    blockedAccesses: (k, t, o) => lockAccessesWhileBlocked(k, t, o.m),
    // Only the re-take can wait for another thread ('blocking' mode); the sleep itself is the 'cond' phase.
    canRun: (k, t, o) => !(k.blockingLocks && t.phase === 'relock' && heldByLiveOther(k, t, k.procOf(t), o.m)),
    exec(k, t, o) {
      const p = k.procOf(t);
      const m = k.mutexObj(p, o.m);
      if (t.phase === 'run') {
        const c = condOf(k, t, o.c);
        register(c, t);
        doUnlock(k, t, m);
        k.emit(t, { type: 'cond.wait', name: c.name, mutex: m.name });
        if (waitLoop(k, t, c)) relock(k, t, o);
        return;
      }
      if (t.phase === 'condwake') {
        if (waitLoop(k, t, condOf(k, t, o.c))) relock(k, t, o);
        return;
      }
      // relock (after a spurious wake-up, or in 'blocking' mode) or woken (after the mutex's FUTEX_WAKE)
      if (t.phase === 'relock') t.phase = 'run';
      if (retake(k, t, m)) k.complete(t, 0);
    },
    describe: (o) => `pthread_cond_wait(${o.c.name}, ${o.m.name})`,
    stuck: (k, t, o) => (t.phase === 'cond' ? stuckOnCond(k, t, condOf(k, t, o.c)) : stuckOnMutex(k, t, o.m)),
  },
  cond_signal: {
    // A call that finds no waiter (__wrefs >> 3 == 0) returns at once: it only reads the condvar.
    accesses: (k, t, o) => [
      t.phase === 'run' && condOf(k, t, o.c).wrefs === 0 && condOf(k, t, o.c).lock !== t.tid
        ? reads(key.cond(t.pid, o.c.name))
        : writes(key.cond(t.pid, o.c.name)),
    ],
    exec(k, t, o) {
      const c = condOf(k, t, o.c);
      if (t.phase === 'run' && c.wrefs === 0) {
        k.emit(t, { type: 'cond.signal', name: c.name, woken: [], broadcast: o.all });
        k.complete(t, 0);
        return;
      }
      t.phase = 'run';
      if (!acquireLock(c, t)) {
        k.emit(t, {
          type: 'futex.wait',
          addr: addrOf(c.name, false),
          val: 2,
          lock: `${c.name}.__g1_orig_size`,
          cond: c.name,
        });
        return;
      }
      const woken: number[] = [];
      const r = signalBody(k, t, c, o.all, woken);
      if (r === 'wait') {
        // Quiescing G1 waits, holding the internal lock, for the last group reference to drop.
        if (woken.length > 0) k.emit(t, { type: 'cond.signal', name: c.name, woken, broadcast: o.all });
        const g1 = (c.wseq & 1) ^ 1;
        futexSleep(c, t, { w: 'refs', g: g1 });
        k.emit(t, {
          type: 'futex.wait',
          addr: addrOf(c.name, false),
          val: 1,
          lock: `${c.name}.__g_refs[${g1}]`,
          cond: c.name,
        });
        return;
      }
      releaseLock(k, t, c);
      if (r.n > 0) woken.push(...futexWake(k, t, c, { w: 'signals', g: r.g }, r.n));
      k.emit(t, { type: 'cond.signal', name: c.name, woken, broadcast: o.all });
      k.complete(t, 0);
    },
    describe: (o) => `pthread_cond_${o.all ? 'broadcast' : 'signal'}(${o.c.name})`,
    stuck: (k, t, o) => stuckOnCond(k, t, condOf(k, t, o.c)),
  },
  cond_init: {
    accesses: (_k, t, o) => [writes(key.cond(t.pid, o.c.name))],
    exec(k, t, o) {
      // nptl/pthread_cond_init.c: memset (cond, 0, sizeof (pthread_cond_t)). Threads asleep on its
      // words stay in the kernel's queues.
      Object.assign(condOf(k, t, o.c), zeroCond());
      k.complete(t, 0);
    },
    describe: (o) => `pthread_cond_init(${o.c.name})`,
  },
};

/** A thread of this process that can still run (not a ghost fork left in the copy, not exited). */
function here(k: Kernel, pid: number, tid: number): boolean {
  const u = k.thread(tid);
  return !!u && u.pid === pid && !u.exited;
}

function whoIs(k: Kernel, pid: number, tids: readonly number[], c: CondObj): string {
  const ghosts = tids.filter((x) => !k.thread(x) || k.thread(x)!.pid !== pid);
  const names = tids.map((x) => `thread ${x}`).join(' and ');
  if (ghosts.length === tids.length) {
    const from = k.thread(ghosts[0]!)?.pid;
    return `${names}, which ${ghosts.length > 1 ? 'do' : 'does'} not exist in process ${pid}: fork copied ${c.name} while ${names}${from === undefined ? '' : ` of process ${from}`} waited on it`;
  }
  return `${names}, which ${tids.length > 1 ? 'are' : 'is'} stuck too`;
}

/** Why a thread asleep on a condition variable's word never wakes: names the word and who it waits for. */
function stuckOnCond(k: Kernel, t: Thread, c: CondObj): StuckThread {
  const who = `Thread ${t.tid} of process ${t.pid}`;
  const on = t.cv!.on!;
  const s: StuckThread = { pid: t.pid, tid: t.tid, waitsFor: { kind: 'cond', name: c.name }, sentence: '' };
  const blame = (tids: readonly number[]) => {
    const holder = tids.find((x) => !here(k, t.pid, x));
    if (holder !== undefined) s.holder = holder;
    if (holder !== undefined && (!k.thread(holder) || k.thread(holder)!.pid !== t.pid)) s.holderLeftBehindByFork = true;
  };
  if (on.w === 'lock') {
    s.sentence = `${who} waits in ${describeSignal(t)} for condition variable ${c.name}'s internal lock (futex_wait on ${wordName(on)}), held by ${whoIs(k, t.pid, [c.lock], c)}.`;
    blame([c.lock]);
    return s;
  }
  if (on.w === 'refs') {
    const refs = c.gRefs[on.g]!;
    s.sentence = `${who} waits in ${describeSignal(t)} for condition variable ${c.name}'s group ${on.g} to quiesce (futex_wait on ${wordName(on)}): __condvar_quiesce_and_switch_g1 closed the group and waits until no waiter holds a reference on it, and the reference is held by ${whoIs(k, t.pid, refs, c)}.`;
    blame(refs);
    return s;
  }
  let sentence = `${who} waits on condition variable ${c.name}'s group ${on.g} signals (futex_wait on ${wordName(on)}), which no thread will signal`;
  // pthread_cond_signal gives G1 its signals while G1 has waiters not yet signalled (__g_size); if G1's
  // waiters are ones fork left in the copy, the signals meant for this thread's group go to them.
  const g1 = (c.wseq & 1) ^ 1;
  const start = Math.floor(c.g1Start / 2);
  const inG1 = c.members.filter((x) => x.seq >= start && x.seq < start + c.g1OrigSize).map((x) => x.tid);
  const ghosts = inG1.filter((x) => !k.thread(x) || k.thread(x)!.pid !== t.pid);
  if (on.g !== g1 && ghosts.length > 0) {
    const sent = c.gSignals[g1]! >> 1;
    sentence += `: its group is G2, and pthread_cond_signal gives G1 its signals first; G1 still counts ${whoIs(k, t.pid, ghosts, c)}`;
    sentence +=
      sent > 0
        ? `, and the signal${sent > 1 ? 's' : ''} sent to G1 (__g_signals[${g1}] = ${c.gSignals[g1]}) wait${sent > 1 ? '' : 's'} there for ${ghosts.length > 1 ? 'them' : 'it'}`
        : `, not yet signalled (__g_size[${g1}] = ${c.gSize[g1]})`;
    blame(ghosts);
  }
  s.sentence = sentence + '.';
  return s;
}

function describeSignal(t: Thread): string {
  return t.pending?.k === 'cond_signal' && t.pending.all ? 'pthread_cond_broadcast' : 'pthread_cond_signal';
}
