// Mutexes on glibc's futex word (0 free, 1 locked, 2 locked with waiters): lock, trylock, unlock and
// pthread_mutex_init, for a reader's mutexes and glibc's internal locks alike. Also the lock half of a
// condition wait (cond.ts), and the futex queue a signal delivery interrupts (signal.ts).
import type { Access, StuckThread } from '../../types.ts';
import type { MutexHandle } from '../../api/ops.ts';
import { EBUSY, EDEADLK, EPERM } from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { MutexObj, Proc, Thread } from '../state.ts';
import { lockRefOf } from '../naming.ts';

/**
 * A lock attempt that finds the mutex taken only reads who holds it and queues in the kernel (the
 * futex queue is not process memory: fork does not copy it), so it commutes with a fork and with
 * other readers. It also sets the word's waiters value (1 -> 2); that change is left out of the
 * relation on purpose: in a copy made by fork it decides only whether an unlock makes a FUTEX_WAKE
 * call that wakes nobody, never whether a thread can go on, and counting it would multiply the
 * schedules of every fork by each thread that waited during it.
 */
export function lockAccesses(k: Kernel, t: Thread, h: MutexHandle): Access[] {
  const P = t.pid;
  const m = k.mutexObj(k.procOf(t), h);
  const obj = key.mutex(P, m.name);
  const queue = writes(key.futexQueue(P, m.name));
  const retry = t.phase === 'woken';
  if (!retry && m.word !== 0 && holds(m, t) && m.type !== 'normal' && m.type !== 'lll') {
    return [{ obj, write: m.type === 'recursive' }];
  }
  if (m.word === 0) return [writes(obj)];
  return [reads(obj), queue];
}

/**
 * Does `t` hold `m` as the lock's own owner check sees it: by tid for pthread mutexes
 * (nptl/pthread_mutex_lock.c compares __owner with the caller's tid), by TCB address for libio's
 * _IO_lock_t (_IO_lock_lock compares owner with THREAD_SELF).
 */
export function holds(m: MutexObj, t: Thread): boolean {
  return m.word !== 0 && (m.io ? m.ownerTcb === t.tcb : m.owner === t.tid);
}

function take(m: MutexObj, t: Thread, word: number): void {
  m.word = word;
  m.owner = t.tid;
  m.ownerTcb = t.tcb;
  m.count = 1;
}

/** A lock waited for in 'blocking' mode would take the mutex when it runs: a write. */
export function lockAccessesWhileBlocked(k: Kernel, t: Thread, h: MutexHandle): Access[] {
  return lockAccesses(k, t, h).map((a) => (a.obj === key.mutex(t.pid, h.name) ? writes(a.obj) : a));
}

/** futex 'blocking': the lock is held by another thread that exists in this process (it may unlock). */
export function heldByLiveOther(k: Kernel, t: Thread, p: Proc, h: MutexHandle): boolean {
  const m = k.mutexObj(p, h);
  if (m.word === 0 || holds(m, t) || m.owner === 0) return false;
  const u = k.thread(m.owner);
  return !!u && !u.exited && u.pid === t.pid;
}

/** The mutex a thread waits for in FUTEX_WAIT, if it does. */
export function blockedMutex(t: Thread): MutexHandle | null {
  if (t.phase !== 'futex' || !t.pending) return null;
  const o = t.pending;
  return o.k === 'lock' || o.k === 'cond_wait' ? o.m : null;
}

/** A signal handler interrupts a futex wait (EINTR): the thread leaves the queue and retries after it. */
export function dequeueFutex(k: Kernel, p: Proc, t: Thread): void {
  const h = blockedMutex(t);
  if (!h) return;
  const m = k.mutexObj(p, h);
  m.waiters = m.waiters.filter((x) => x !== t.tid);
}

/** One attempt to take `m` for `t`: returns true when acquired, false when it now waits. */
export function lockAttempt(k: Kernel, t: Thread, m: MutexObj): boolean {
  const retry = t.phase === 'woken';
  const old = retry || m.word !== 0 ? m.word : 0;
  if (!retry && m.word === 0) {
    take(m, t, 1);
    k.emit(t, { type: 'mutex.lock', lock: lockRefOf(m), word: 1, count: 1 });
    return true;
  }
  // __lll_lock_wait: exchange the word to 2; acquired if it was 0, else FUTEX_WAIT until woken.
  m.word = 2;
  if (old === 0) {
    take(m, t, 2);
    k.emit(t, { type: 'futex.resume', addr: m.addr, result: 0 });
    k.emit(t, { type: 'mutex.lock', lock: lockRefOf(m), word: 2, count: 1 });
    return true;
  }
  if (retry) k.emit(t, { type: 'futex.resume', addr: m.addr, result: 0 });
  m.waiters.push(t.tid);
  t.phase = 'futex';
  k.emit(t, { type: 'futex.wait', addr: m.addr, val: 2, lock: m.name });
  return false;
}

function doLock(k: Kernel, t: Thread, m: MutexObj): number | null {
  if (t.phase === 'run' && holds(m, t)) {
    if (m.type === 'recursive') {
      m.count++;
      k.emit(t, { type: 'mutex.lock', lock: lockRefOf(m), word: m.word, count: m.count });
      return 0;
    }
    if (m.type === 'errorcheck') return EDEADLK;
  }
  return lockAttempt(k, t, m) ? 0 : null;
}

/** pthread_mutex_unlock: 0, or EPERM for a checking mutex the caller does not hold. */
export function doUnlock(k: Kernel, t: Thread, m: MutexObj): number {
  if ((m.type === 'recursive' || m.type === 'errorcheck') && !m.internal && (m.owner !== t.tid || m.word === 0)) {
    k.emit(t, { type: 'mutex.unlock', lock: lockRefOf(m), result: EPERM, word: m.word });
    return EPERM;
  }
  // _IO_lock_unlock: "if (--(_name).cnt == 0)" release; it checks no owner.
  if (m.type === 'recursive' && m.count > 1 && (m.io || m.owner === t.tid)) {
    m.count--;
    k.emit(t, { type: 'mutex.unlock', lock: lockRefOf(m), result: 0, word: m.word });
    return 0;
  }
  const old = m.word;
  m.word = 0;
  m.owner = 0;
  m.ownerTcb = 0;
  m.count = 0;
  k.emit(t, { type: 'mutex.unlock', lock: lockRefOf(m), result: 0, word: 0 });
  if (old === 2) {
    // FUTEX_WAKE_PRIVATE, 1: the longest waiter retries its exchange.
    const woken = m.waiters.splice(0, 1);
    for (const tid of woken) {
      const u = k.thread(tid)!;
      u.phase = 'woken';
      u.clock = Math.max(u.clock, t.clock);
    }
    k.emit(t, { type: 'futex.wake', addr: m.addr, count: 1, woken, lock: m.name });
  }
  return 0;
}

/** Why a thread waiting in FUTEX_WAIT for `h` never gets it: names the holder and what became of it. */
export function stuckOnMutex(k: Kernel, t: Thread, h: MutexHandle): StuckThread {
  const m = k.mutexObj(k.procOf(t), h);
  const who = `Thread ${t.tid} of process ${t.pid}`;
  const holder = m.owner;
  const u = k.thread(holder);
  const label = `${m.internal ? "glibc's internal lock" : 'mutex'} ${m.name}`;
  let sentence = `${who} waits in futex(FUTEX_WAIT_PRIVATE) for ${label}`;
  let leftBehind = false;
  let forking = false;
  if (holder === 0) sentence += ', which no thread holds (its word was left locked)';
  else if (holder === t.tid) sentence += `, which it already holds itself`;
  else if (u && u.pid !== t.pid && u.tcb === t.tcb) {
    // The child's thread is the copy of the holder: same TCB, new tid (CLONE_CHILD_SETTID).
    forking = true;
    sentence += `, taken by thread ${holder} of process ${u.pid} before it forked; this thread is its copy in the child, with a new tid`;
    if (m.type === 'errorcheck' || m.type === 'recursive') {
      sentence += `, so pthread_mutex_unlock here returns EPERM (glibc checks the owner's tid of a ${m.type} mutex) and only pthread_mutex_init releases it`;
    } else if (m.internal) {
      sentence += ', and nothing in this process releases it';
    } else {
      sentence +=
        ': a normal mutex, which this thread could unlock (glibc does not check its owner), but no step of it does before locking it again';
    }
  } else if (!u || u.pid !== t.pid) {
    leftBehind = true;
    sentence += `, held by thread ${holder}, which does not exist in process ${t.pid}: fork copied the lock while thread ${holder}${u ? ` of process ${u.pid}` : ''} held it`;
  } else if (u.exited) sentence += `, held by thread ${holder}, which exited without unlocking it`;
  else sentence += `, held by thread ${holder}, which is stuck too`;
  const s: StuckThread = {
    pid: t.pid,
    tid: t.tid,
    waitsFor: { kind: 'mutex', name: m.name, addr: m.addr },
    sentence: sentence + '.',
  };
  if (holder) s.holder = holder;
  if (leftBehind) s.holderLeftBehindByFork = true;
  if (forking) s.holderIsForkingThread = true;
  return s;
}

const ownsChecked = (m: MutexObj, t: Thread): boolean =>
  (m.type === 'recursive' || m.type === 'errorcheck') && !m.internal && (m.owner !== t.tid || m.word === 0);

export const mutexOps: Models<'lock' | 'trylock' | 'unlock' | 'minit'> = {
  lock: {
    accesses: (k, t, o) => lockAccesses(k, t, o.m),
    blockedAccesses: (k, t, o) => lockAccessesWhileBlocked(k, t, o.m),
    canRun: (k, t, o) => !(k.blockingLocks && t.phase === 'run' && heldByLiveOther(k, t, k.procOf(t), o.m)),
    exec(k, t, o) {
      const r = doLock(k, t, k.mutexObj(k.procOf(t), o.m));
      if (r !== null) k.complete(t, r);
    },
    // glibc's internal locks are taken with its own low-level lock calls, not pthread_mutex_*.
    describe: (o) => (o.m.internal ? `__libc_lock_lock(${o.m.name})` : `pthread_mutex_lock(${o.m.name})`),
    stuck: (k, t, o) => stuckOnMutex(k, t, o.m),
  },
  trylock: {
    accesses(k, t, o) {
      const m = k.mutexObj(k.procOf(t), o.m);
      const takes = m.word === 0 || (m.type === 'recursive' && holds(m, t));
      return [takes ? writes(key.mutex(t.pid, o.m.name)) : reads(key.mutex(t.pid, o.m.name))];
    },
    exec(k, t, o) {
      const m = k.mutexObj(k.procOf(t), o.m);
      let r = 0;
      if (m.word === 0) take(m, t, 1);
      else if (m.type === 'recursive' && holds(m, t)) m.count++;
      else r = EBUSY;
      k.emit(t, { type: 'mutex.trylock', lock: lockRefOf(m), result: r });
      k.complete(t, r);
    },
    describe: (o) => (o.m.io ? `_IO_lock_trylock(${o.m.name})` : `pthread_mutex_trylock(${o.m.name})`),
  },
  unlock: {
    accesses(k, t, o) {
      const m = k.mutexObj(k.procOf(t), o.m);
      if (ownsChecked(m, t)) return [reads(key.mutex(t.pid, o.m.name))];
      return m.waiters.length > 0
        ? [writes(key.mutex(t.pid, o.m.name)), writes(key.futexQueue(t.pid, m.name))]
        : [writes(key.mutex(t.pid, o.m.name))];
    },
    exec: (k, t, o) => k.complete(t, doUnlock(k, t, k.mutexObj(k.procOf(t), o.m))),
    describe: (o) => (o.m.internal ? `__libc_lock_unlock(${o.m.name})` : `pthread_mutex_unlock(${o.m.name})`),
  },
  minit: {
    accesses: (_k, t, o) => [writes(key.mutex(t.pid, o.m.name))],
    exec(k, t, o) {
      const m = k.mutexObj(k.procOf(t), o.m);
      m.word = 0;
      m.owner = 0;
      m.ownerTcb = 0;
      m.count = 0;
      m.type = o.type;
      k.emit(t, { type: 'mutex.init', lock: lockRefOf(m) });
      k.complete(t, 0);
    },
    describe: (o) => `pthread_mutex_init(${o.m.name})`,
  },
};
