// Signals: sigaction, kill and pthread_kill, and the delivery of a pending signal ("TID!SIG"), which
// runs the handler on the target thread at a step boundary (also in a futex wait, which it
// interrupts) or ends the process when there is none.
import type { Access } from '../../types.ts';
import { SIG_IGN, type HandlerFn } from '../../api/ops.ts';
import { EINTR, ESRCH, SIGNUM } from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { CondObj, Frame, Proc, Thread } from '../state.ts';
import type { CondHandle } from '../../api/ops.ts';
import { blockedMutex, dequeueFutex } from './mutex.ts';
import { endAccesses, killProc } from './process.ts';
import { pipeEnds } from './pipe.ts';

/**
 * Keys of the signal state of the threads a signal sent to process `pid` may go to, and of the set of
 * those threads: a thread created or ended changes which threads may take it, so those steps read the
 * set ("PID:sigtargets") and do not commute with a process-directed signal sent or delivered.
 */
function sigKeys(k: Kernel, pid: number): Access[] {
  const p = k.proc(pid);
  if (!p) return [];
  return [...p.threads.map((tid) => writes(key.signalState(pid, tid))), writes(key.signalTargets(pid))];
}

/** No signal: the mask a thread starts with, and no signal to deliver (almost every thread at almost
 * every step): shared, never changed in place. */
export const NO_SIGNALS: readonly string[] = [];

/** Signals no mask blocks (the kernel leaves them out of every sigprocmask: sigdelsetmask in kernel/signal.c). */
const UNBLOCKABLE = new Set(['SIGKILL', 'SIGSTOP']);

/** A set of signal names as a mask: sorted, unique, without SIGKILL and SIGSTOP. */
export function maskOf(names: Iterable<string>): readonly string[] {
  const out = [...new Set(names)].filter((s) => !UNBLOCKABLE.has(s));
  if (out.length === 0) return NO_SIGNALS;
  return out.sort((a, b) => (SIGNUM[a] ?? 99) - (SIGNUM[b] ?? 99) || (a < b ? -1 : 1));
}

/**
 * The signals that may be delivered to `t` now: pending for it or its process, and not blocked by its
 * mask (a handler runs with its own signal blocked, so that is not delivered again while it runs).
 */
export function deliverable(t: Thread, p: Proc): readonly string[] {
  if (t.pendingSigs.length === 0 && p.pendingSigs.length === 0) return NO_SIGNALS;
  const out: string[] = [];
  for (const s of t.pendingSigs) if (!t.sigmask.includes(s) && !out.includes(s)) out.push(s);
  for (const s of p.pendingSigs) if (!t.sigmask.includes(s) && !out.includes(s)) out.push(s);
  return out;
}

/**
 * What changing `t`'s mask touches: what it may take of its own signals and its process's (so a send
 * to it or to the process, a delivery and a sigpending), and the mask itself (a child's end reads the
 * leader's).
 */
function maskAccesses(t: Thread): Access[] {
  return [writes(key.signalState(t.pid, t.tid)), writes(key.signalTargets(t.pid)), writes(key.sigmask(t.pid, t.tid))];
}

/**
 * Does a child's end send SIGCHLD to `parent` now? The default action ignores it, and an ignored
 * signal is discarded when it is sent unless the process's leader blocks it (kernel/signal.c
 * sig_ignored: "Blocked signals are never ignored"): so when the parent catches it, or its leader
 * blocks it (to take it with sigwait, or see it in sigpending). Otherwise nothing changes, and no
 * step is added.
 */
function sigchldWanted(k: Kernel, parent: Proc): boolean {
  const h = parent.handlers.get('SIGCHLD');
  if (typeof h === 'function') return true;
  if (h === SIG_IGN) return false;
  return k.thread(parent.pid)?.sigmask.includes('SIGCHLD') ?? false;
}

/**
 * What ending process `p` touches of its parent's signal state: the parent's action and its leader's
 * mask, which decide whether SIGCHLD is sent, and, when it is, what a process-directed send writes.
 */
export function sigchldAccesses(k: Kernel, p: Proc | undefined): Access[] {
  const q = p && k.proc(p.ppid);
  if (!q || q.exited) return [];
  const decide = [reads(key.chldAction(q.pid)), reads(key.sigmask(q.pid, q.pid))];
  return sigchldWanted(k, q) ? [...decide, ...sigKeys(k, q.pid)] : decide;
}

/** A child's end (do_notify_parent): SIGCHLD to its parent, when it is wanted there. */
export function sendSigchld(k: Kernel, p: Proc): void {
  const q = k.proc(p.ppid);
  if (q && !q.exited && sigchldWanted(k, q)) addPending(q.pendingSigs, 'SIGCHLD');
}

/**
 * Makes `sig` pending in `set` (a thread's or a process's) unless it already is: a standard signal
 * sent twice before it is delivered is delivered once (kernel/signal.c legacy_queue).
 */
function addPending(set: string[], sig: string): void {
  if (!set.includes(sig)) set.push(sig);
}

/** What delivering `sig` to `t` touches: its handler table, the pending state it takes the signal from, and more if it kills. */
export function deliveryAccesses(k: Kernel, t: Thread, sig: string): Access[] {
  const P = t.pid;
  const acc: Access[] = [
    reads(key.sig(P)),
    ...(t.pendingSigs.includes(sig) ? [writes(key.signalState(P, t.tid))] : sigKeys(k, P)),
  ];
  const blockedOn = blockedMutex(t);
  if (blockedOn) acc.push(writes(key.futexQueue(P, blockedOn.name)));
  const asleepOn = asleepOnCond(t);
  if (asleepOn) acc.push(writes(key.cond(P, asleepOn.name)));
  const h = k.procOf(t).handlers.get(sig);
  // A handler runs with a wider mask.
  if (typeof h === 'function') acc.push(writes(key.sigmask(P, t.tid)));
  // With no handler it ends the process (SIGCHLD's default is to ignore it; counted as a write all the same).
  if (!h)
    acc.push(...(sig === 'SIGCHLD' ? [writes(key.wholeProcess(P)), ...pipeEnds(k.procOf(t))] : endAccesses(k, P)));
  return acc;
}

/** Delivers `sig` to `t`: runs its handler in a new frame, or ends the process (SIGCHLD is ignored). */
export function deliver(k: Kernel, t: Thread, sig: string): void {
  const p = k.procOf(t);
  const ti = t.pendingSigs.indexOf(sig);
  if (ti >= 0) t.pendingSigs.splice(ti, 1);
  else p.pendingSigs.splice(p.pendingSigs.indexOf(sig), 1);
  const h = p.handlers.get(sig);
  k.emit(t, { type: 'signal.deliver', sig });
  if (h === SIG_IGN) return;
  if (!h) {
    if (sig === 'SIGCHLD') return;
    killProc(k, p, SIGNUM[sig] ?? 15, t);
    return;
  }
  // A futex wait is interrupted (EINTR); glibc's lock loop retries after the handler.
  if (t.phase === 'futex') dequeueFutex(k, p, t);
  // So is one on a condition variable's word: glibc's loop goes on after the handler (a waiter reloads
  // __g_signals and may sleep again, a signaller re-checks __g_refs or the internal lock).
  const cv = asleepOnCond(t);
  if (cv) {
    const c = k.mem(p, cv) as CondObj;
    c.waiters = c.waiters.filter((x) => x !== t.tid);
    t.cv!.on = null;
    t.phase = 'condwake';
  }
  t.record.push({ signal: sig, handler: h });
  pushHandler(k, t, sig, h, p.handlerMasks?.get(sig));
}

/** The condition variable whose futex word `t` sleeps on, if it does. */
function asleepOnCond(t: Thread): CondHandle | null {
  if (t.phase !== 'cond' || !t.pending) return null;
  const o = t.pending;
  return o.k === 'cond_wait' || o.k === 'cond_signal' ? o.c : null;
}

/**
 * Runs handler `h` for `sig` on `t` in a new frame, with `sig` and the handler's sa_mask added to the
 * thread's mask until it returns (kernel/signal.c signal_delivered: "sigorsets(&blocked,
 * &current->blocked, &ka->sa.sa_mask)", and the signal itself without SA_NODEFER).
 */
function pushHandler(k: Kernel, t: Thread, sig: string, h: HandlerFn, saMask: readonly string[] | undefined): void {
  const frame: Frame = {
    gen: h!(),
    sig,
    saved: { pending: t.pending, phase: t.phase, mask: t.sigmask },
    libcDepth: 0,
  };
  t.sigmask = maskOf([...t.sigmask, sig, ...(saMask ?? [])]);
  t.frames.push(frame);
  t.pending = null;
  k.drive(t, undefined);
}

/**
 * The thread pthread_kill(tid) names, seen from `t`. glibc's pthread_t is the address of the thread's
 * control block, and a child made by fork runs its only thread on the forking thread's copy of it
 * (Thread.tcb): there, the parent's pthread_self() names the child's own thread (glibc 2.36's
 * tst-fork4 kills itself that way).
 */
function tkillTarget(k: Kernel, t: Thread, tid: number): Thread | undefined {
  const u = k.thread(tid);
  if (u && u.pid === t.pid) return u;
  for (const x of k.procOf(t).threads) {
    const v = k.thread(x);
    if (v && v.tcb === tid && v.tid !== tid) return v;
  }
  return u;
}

export const signalOps: Models<'sigaction' | 'kill' | 'tkill' | 'sigmask' | 'sigpending' | 'sigsuspend' | 'sigwait'> = {
  sigaction: {
    // Setting SIG_IGN also discards the signal where it is pending (the process's and each thread's set).
    accesses: (k, t, o) => [
      writes(key.sig(t.pid)),
      ...(o.sig === 'SIGCHLD' ? [writes(key.chldAction(t.pid))] : []),
      ...(o.handler === SIG_IGN ? sigKeys(k, t.pid) : []),
    ],
    exec(k, t, o) {
      const p = k.procOf(t);
      if (o.handler) p.handlers.set(o.sig, o.handler);
      else p.handlers.delete(o.sig);
      const mask = o.mask ? maskOf(o.mask) : NO_SIGNALS;
      if (mask.length > 0 && typeof o.handler === 'function') (p.handlerMasks ??= new Map()).set(o.sig, mask);
      else p.handlerMasks?.delete(o.sig);
      if (o.handler === SIG_IGN) {
        p.pendingSigs = p.pendingSigs.filter((s) => s !== o.sig);
        for (const tid of p.threads) {
          const u = k.thread(tid)!;
          u.pendingSigs = u.pendingSigs.filter((s) => s !== o.sig);
        }
      }
      k.complete(t, 0);
    },
    describe: (o) => `sigaction(${o.sig})`,
  },
  kill: {
    accesses(k, _t, o) {
      // ESRCH for a process that has exited reads its exit status's existence (its exit writes it).
      const q = k.proc(o.pid);
      if (q?.exited) return [reads(key.exit(o.pid))];
      // SIGKILL ends the target process at once.
      if (o.sig === 'SIGKILL') return endAccesses(k, o.pid);
      // A signal the target ignores is discarded, so the send reads its action (a sigaction changing it
      // from SIG_IGN does not commute with the send; to SIG_IGN it does: both orders discard it).
      return [...sigKeys(k, o.pid), ...(q?.handlers.get(o.sig) === SIG_IGN ? [reads(key.sig(o.pid))] : [])];
    },
    exec(k, t, o) {
      const q = k.proc(o.pid);
      k.emit(t, { type: 'signal.send', sig: o.sig, target: o.pid, targetIsPid: true });
      if (!q || q.exited) {
        k.complete(t, -ESRCH);
        return;
      }
      if (o.sig === 'SIGKILL') {
        killProc(k, q, SIGNUM.SIGKILL!, t);
        if (q !== k.procOf(t)) k.complete(t, 0);
        return;
      }
      if (q.handlers.get(o.sig) !== SIG_IGN) addPending(q.pendingSigs, o.sig);
      k.complete(t, 0);
    },
    describe: (o) => `kill(${o.pid}, ${o.sig})`,
  },
  tkill: {
    accesses(k, t, o) {
      const u = tkillTarget(k, t, o.tid);
      // ESRCH for a thread that has exited reads its exit, so that the exit and the send are
      // ordered both ways (the signal caught before the exit is another outcome).
      if (!u || u.exited) return u ? [reads(key.thread(u.pid, u.tid))] : [];
      if (o.sig === 'SIGKILL') return endAccesses(k, u.pid);
      const ignored = k.proc(u.pid)?.handlers.get(o.sig) === SIG_IGN;
      return [writes(key.signalState(u.pid, u.tid)), ...(ignored ? [reads(key.sig(u.pid))] : [])];
    },
    exec(k, t, o) {
      const u = tkillTarget(k, t, o.tid);
      k.emit(t, { type: 'signal.send', sig: o.sig, target: o.tid, targetIsPid: false });
      if (!u || u.exited || u.pid !== t.pid) {
        k.complete(t, ESRCH);
        return;
      }
      if (o.sig === 'SIGKILL') {
        killProc(k, k.procOf(t), SIGNUM.SIGKILL!, t);
        return;
      }
      if (k.procOf(u).handlers.get(o.sig) !== SIG_IGN) addPending(u.pendingSigs, o.sig);
      k.complete(t, 0);
    },
    describe: (o) => `pthread_kill(${o.tid}, ${o.sig})`,
  },
  sigmask: {
    accesses: (_k, t) => maskAccesses(t),
    exec(k, t, o) {
      const old = t.sigmask;
      if (o.set !== null) {
        const set = o.set;
        t.sigmask =
          o.how === 'block'
            ? maskOf([...old, ...set])
            : o.how === 'unblock'
              ? maskOf(old.filter((s) => !set.includes(s)))
              : maskOf(set);
      }
      k.emit(t, { type: 'signal.mask', how: o.how, set: o.set === null ? null : [...o.set], mask: [...t.sigmask] });
      k.complete(t, [...old]);
    },
    describe: (o) => `pthread_sigmask(${o.how.toUpperCase()}, ${o.set === null ? 'NULL' : `{${o.set.join(', ')}}`})`,
  },
  sigpending: {
    accesses: (_k, t) => [reads(key.signalState(t.pid, t.tid)), reads(key.signalTargets(t.pid))],
    exec(k, t) {
      const p = k.procOf(t);
      k.complete(t, [...maskOf([...t.pendingSigs, ...p.pendingSigs].filter((s) => t.sigmask.includes(s)))]);
    },
    describe: () => 'sigpending()',
  },
  sigsuspend: {
    // First the mask is swapped and the thread waits; a handler's return wakes it (World.drive), and
    // the step after that puts the old mask back and returns -1 with EINTR.
    accesses: (_k, t) => maskAccesses(t),
    canRun: (_k, t) => t.suspend === undefined || t.suspend.woken,
    exec(k, t, o) {
      if (t.suspend === undefined) {
        t.suspend = { old: t.sigmask, woken: false };
        t.sigmask = maskOf(o.set);
        k.emit(t, { type: 'signal.suspend', mask: [...t.sigmask] });
        return;
      }
      t.sigmask = t.suspend.old;
      delete t.suspend;
      k.emit(t, { type: 'signal.resume' });
      k.complete(t, -EINTR);
    },
    describe: (o) => `sigsuspend({${o.set.join(', ')}})`,
    stuck: (_k, t) => ({
      pid: t.pid,
      tid: t.tid,
      waitsFor: { kind: 'signal', name: 'sigsuspend' },
      sentence: `Thread ${t.tid} of process ${t.pid} waits in sigsuspend for a signal that no thread sends.`,
    }),
  },
  sigwait: {
    // It takes a signal from the thread's or the process's pending set: a send to either writes them.
    accesses: (k, t) => [writes(key.signalState(t.pid, t.tid)), ...sigKeys(k, t.pid)],
    canRun: (k, t, o) => o.set.some((s) => t.pendingSigs.includes(s) || k.procOf(t).pendingSigs.includes(s)),
    exec(k, t, o) {
      const p = k.procOf(t);
      // The lowest-numbered pending signal of the set, the thread's own first (kernel/signal.c
      // do_sigtimedwait -> dequeue_signal: the thread's queue, then the shared one).
      const own = maskOf(t.pendingSigs.filter((s) => o.set.includes(s)));
      const sig = own[0] ?? maskOf(p.pendingSigs.filter((s) => o.set.includes(s)))[0]!;
      if (own.length > 0) t.pendingSigs.splice(t.pendingSigs.indexOf(sig), 1);
      else p.pendingSigs.splice(p.pendingSigs.indexOf(sig), 1);
      k.emit(t, { type: 'signal.wait', sig });
      k.complete(t, sig);
    },
    describe: (o) => `sigwait({${o.set.join(', ')}})`,
    stuck: (_k, t, o) => ({
      pid: t.pid,
      tid: t.tid,
      waitsFor: { kind: 'signal', name: o.set.join(', ') },
      sentence: `Thread ${t.tid} of process ${t.pid} waits in sigwait for ${o.set.join(' or ')}, which no thread sends.`,
    }),
  },
};
