// fork: pthread_atfork registration, fork's first step (the handlers to run and how the libc model
// locks), and the clone itself: the child's copy of memory and descriptors, and its only thread,
// rebuilt by replaying the forking thread's recorded results up to this fork.
import type { StepOp } from '../../api/ops.ts';
import { key } from '../../access.ts';
import { cloneValue, insertById, NondeterminismError, type Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { FdEntry, Proc, Rec, Thread } from '../state.ts';
import { copyFresh } from '../fingerprint.ts';
import { checkSafety } from './libc.ts';
import { NO_SIGNALS } from './signal.ts';
import { copyArenas } from './malloc.ts';
import { forkDescriptorReads, forkedDescriptors } from './thread.ts';

function forkRaw(k: Kernel, t: Thread, p: Proc, raw: boolean): void {
  const cpid = k.nextId(t);
  const c = k.newProc(cpid, p.pid);
  // Kept by pid, not by when each was forked: forks in two threads commute (their ids name their
  // maker, World.nextId), so waitpid(-1) among several exited children takes the smallest pid.
  // Linux takes the oldest (kernel/exit.c do_wait walks ->children, which fork appends to); that is
  // the same child for the forks of one thread, whose ids grow with each fork.
  insertById(p.children, cpid);
  for (const [name, o] of p.mem) {
    const copy =
      o.kind === 'mutex' || o.kind === 'cond'
        ? { ...o, waiters: [] }
        : o.kind === 'cell'
          ? { ...o, value: cloneValue(o.value) }
          : { ...o };
    c.mem.set(name, copy);
    copyFresh(o, copy);
  }
  c.atfork = p.atfork.slice();
  c.handlers = new Map(p.handlers);
  c.multiThreaded = p.multiThreaded;
  c.childOfMultiThreaded = p.multiThreaded || p.childOfMultiThreaded;
  c.heapNext = p.heapNext;
  c.stdioBufs = p.stdioBufs.slice();
  c.stdStreams = { ...p.stdStreams };
  c.environ = { init: p.environ.init, set: p.environ.set.slice() };
  c.arenas = copyArenas(p.arenas);
  c.forkedThreads = forkedDescriptors(k, p, t);
  const inherited: number[] = [];
  const leaks: { fd: number; owner: number }[] = [];
  for (const [fd, e] of p.fds) {
    if (e.clofork) continue;
    const copy: FdEntry = { ofd: e.ofd, cloexec: e.cloexec, clofork: false };
    if (e.owner !== undefined && e.owner !== t.tid) leaks.push({ fd, owner: e.owner });
    c.fds.set(fd, copy);
    inherited.push(fd);
  }
  k.emit(t, { type: 'fork', child: cpid, raw });
  // The child's only thread: the forking thread's function replayed up to this fork.
  const u = k.newThread(cpid, cpid, t.fn, t.args, t.clock);
  // Its TCB is the forking thread's, copied at the same address (its tid is new: CLONE_CHILD_SETTID).
  u.tcb = t.tcb;
  u.copyOf = t.tid;
  // TLS: malloc's thread_arena and tcache are the forking thread's.
  u.arena = t.arena;
  u.tcache = t.tcache && { arena: t.tcache.arena, bins: t.tcache.bins.map((b) => b.slice()) };
  u.started = t.started;
  if (t.origin !== undefined) u.origin = t.origin;
  // fork: the child's thread has the forking thread's signal mask; nothing is pending in it.
  u.sigmask = t.sigmask;
  k.emit(u, { type: 'fork.child', parent: p.pid, parentTid: t.tid });
  k.emit(u, { type: 'fd.inherit', fds: inherited });
  for (const l of leaks) {
    k.emit(u, { type: 'fd.leak', fd: l.fd, owner: l.owner, intoPid: cpid });
    k.addFinding(
      'fd-leak',
      `pid ${cpid} got fd ${l.fd}, thread ${l.owner}'s fresh connection: thread ${t.tid} forked between thread ${l.owner}'s clone_connection() and its own fork, so the descriptor leaked into the wrong child.`,
    );
  }
  try {
    replay(u, t.record);
  } catch (err) {
    k.threadThrew(
      u,
      err instanceof NondeterminismError
        ? err
        : new NondeterminismError(
            `nondeterministic program: replaying thread ${t.tid} to build process ${cpid} failed: ${(err as Error).message}`,
          ),
    );
    return;
  }
  u.record = t.record.slice();
  // A fork inside a handler: the child's handler frames put back the masks the parent's would.
  for (let i = 0; i < u.frames.length; i++) {
    const saved = u.frames[i]!.saved;
    const from = t.frames[i]?.saved;
    if (saved && from) saved.mask = from.mask;
  }
  // The parent's result is the child's pid; the child's fork answers 0.
  k.complete(u, 0);
  k.complete(t, cpid);
}

/** Rebuilds `u`'s generator stack by feeding it `records` without touching the world. */
function replay(u: Thread, records: readonly Rec[]): void {
  const nd = (msg: string) =>
    new NondeterminismError(
      `nondeterministic program: process ${u.pid}'s copy of thread ${u.tid} ${msg} (code between yield* must not depend on Math.random, Date or outside state)`,
    );
  // Mirrors drive(): a thread whose function returned still has its exit step to take, and a
  // signal may be delivered before it, so a returned base frame becomes the same 'texit' step.
  const next = (value: unknown): StepOp => {
    for (;;) {
      const frame = u.frames[u.frames.length - 1]!;
      const res = frame.gen.next(value);
      if (res.done) {
        if (frame.sig === undefined) return { k: 'texit', value: res.value === undefined ? null : res.value };
        u.frames.pop();
        return frame.saved!.pending!;
      }
      return res.value as StepOp;
    }
  };
  let cur = next(undefined);
  for (const rec of records) {
    if ('signal' in rec) {
      // The mask a handler frame puts back is set from the forking thread's frames after the replay.
      u.frames.push({
        gen: rec.handler!(),
        sig: rec.signal,
        saved: { pending: cur, phase: 'run', mask: NO_SIGNALS },
        libcDepth: 0,
      });
      cur = next(undefined);
      continue;
    }
    if (cur.k === 'texit' && rec.op !== 'texit') throw nd('finished early');
    if (cur.k !== rec.op) throw nd(`asked for '${cur.k}' where the original asked for '${rec.op}'`);
    cur = next(rec.result);
  }
  if (cur.k !== 'fork_raw') throw nd(`did not reach the same fork`);
  u.pending = cur;
  u.phase = 'run';
}

export const forkOps: Models<'atfork_reg' | 'fork_begin' | 'fork_raw'> = {
  atfork_reg: {
    accesses: (_k, t) => [writes(key.atfork(t.pid))],
    exec(k, t, o) {
      const p = k.procOf(t);
      p.atfork.push(o.entry);
      k.emit(t, { type: 'atfork.register', index: p.atfork.length - 1 });
      k.complete(t, 0);
    },
    describe: () => 'pthread_atfork',
  },
  fork_begin: {
    accesses: (_k, t) => [reads(key.atfork(t.pid))],
    exec(k, t) {
      const p = k.procOf(t);
      const frame = t.frames[t.frames.length - 1]!;
      if (frame.libcDepth === 0) checkSafety(k, t, p, frame, 'fork');
      k.emit(t, { type: 'libc.call', fn: 'fork', phase: 'enter' });
      k.complete(t, { libc: k.libc, multiThreaded: p.multiThreaded, handlers: p.atfork.slice() });
    },
    describe: () => 'fork: prepare',
  },
  fork_raw: {
    // Fork reads the whole process: it copies every object of it, and the other threads' descriptors.
    accesses: (k, t) => [reads(key.wholeProcess(t.pid)), ...forkDescriptorReads(k, t)],
    exec: (k, t, o) => forkRaw(k, t, k.procOf(t), o.raw),
    describe: (o) => (o.raw ? '_Fork()' : 'fork: clone'),
  },
};
