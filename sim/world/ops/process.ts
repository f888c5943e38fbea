// Processes ending and being reaped: waitpid, exit_group (exit and _exit), abort after a failed
// assert, and the end of a process however it comes (its last thread, a signal, an exec with no image).
import { ECHILD, SIGNUM } from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { Access } from '../../types.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { writes } from '../op-model.ts';
import type { Proc, Thread } from '../state.ts';
import { pipeEnds } from './pipe.ts';
import { sendSigchld, sigchldAccesses } from './signal.ts';

export type ExitHow = 'exit' | '_exit' | 'return' | 'exec-image' | 'signal';

/** Ends process `p` with wait status `status`: every thread of it ends, its waiters leave their queues. */
export function finishProc(k: Kernel, p: Proc, t: Thread, status: number, how: ExitHow): void {
  if (p.exited) return;
  for (const tid of p.threads) {
    const u = k.thread(tid)!;
    u.exited = true;
    u.exitTime = u.clock;
    u.pending = null;
  }
  p.threads = [];
  p.exited = true;
  p.status = status;
  p.exitTime = t.clock;
  p.pendingSigs = [];
  for (const o of p.mem.values()) if (o.kind === 'mutex' || o.kind === 'cond') o.waiters = [];
  const code = how === 'signal' ? status : status >> 8;
  k.emit({ pid: p.pid, tid: t.tid, clock: t.clock }, { type: 'proc.exit', status: code, how });
  sendSigchld(k, p);
}

/**
 * What a step that ends process `pid` touches: all of it, the pipe ends it holds (closed with it), and
 * what decides whether its parent gets SIGCHLD.
 */
export function endAccesses(k: Kernel, pid: number): Access[] {
  const p = k.proc(pid);
  return [writes(key.wholeProcess(pid)), ...pipeEnds(p), ...sigchldAccesses(k, p)];
}

/** exit_group(status): the wait status carries the low byte of `status`. */
export function exitProc(k: Kernel, p: Proc, t: Thread, status: number, how: 'exit' | '_exit'): void {
  finishProc(k, p, t, (status & 0xff) << 8, how);
}

/** Death by signal `signum` (a fatal signal, SIGKILL, abort's SIGABRT). */
export function killProc(k: Kernel, p: Proc, signum: number, t: Thread): void {
  finishProc(k, p, t, signum & 0x7f, 'signal');
}

/** The child waitpid(pid) would reap, null for ECHILD, 'blocked' when it must wait. */
export function waitTarget(k: Kernel, p: Proc, pid: number): Proc | null | 'blocked' {
  // A loop, not map/filter/find: the world asks it for every thread in waitpid at every step.
  let live = false;
  for (const c of p.children) {
    const q = k.proc(c)!;
    if (q.reaped || (pid !== -1 && q.pid !== pid)) continue;
    if (q.exited) return q;
    live = true;
  }
  return live ? 'blocked' : null;
}

export const processOps: Models<'waitpid' | 'exit_group' | 'abort'> = {
  waitpid: {
    // A waitpid waits for an exit that never reverts: `await` tells the explorer it cannot be moved
    // before that exit (sim/README.md, the explorer).
    // With WNOHANG it never waits: it reads whether the child (or each live child) has exited, which
    // the exit writes, so the two are ordered both ways (0 before the exit, the status after).
    accesses(k, t, o) {
      if (o.nohang) {
        const kids = o.pid === -1 ? k.procOf(t).children.filter((c) => !k.proc(c)?.reaped) : [o.pid];
        return [writes(key.children(t.pid)), ...kids.map((c) => writes(key.exit(c)))];
      }
      return o.pid === -1 ? [writes(key.children(t.pid))] : [{ obj: key.exit(o.pid), write: true, await: true }];
    },
    canRun: (k, t, o) => !!o.nohang || waitTarget(k, k.procOf(t), o.pid) !== 'blocked',
    exec(k, t, o) {
      const c = waitTarget(k, k.procOf(t), o.pid);
      if (c === 'blocked' && o.nohang) {
        // Linux kernel/exit.c do_wait: with WNOHANG and children that have not changed state, 0.
        k.emit(t, { type: 'proc.wait', child: o.pid, status: null, blocked: false, nohang: true });
        k.complete(t, { pid: 0, status: 0 });
        return;
      }
      if (c === null || c === 'blocked') {
        k.emit(t, { type: 'proc.wait', child: o.pid, status: null, blocked: false });
        k.complete(t, { pid: -1, status: 0, errno: ECHILD });
        return;
      }
      c.reaped = true;
      t.clock = Math.max(t.clock, c.exitTime);
      k.emit(t, {
        type: 'proc.wait',
        child: c.pid,
        status: c.status,
        blocked: false,
        ...(o.nohang ? { nohang: true } : {}),
      });
      k.complete(t, { pid: c.pid, status: c.status });
    },
    describe: (o) => `waitpid(${o.pid}${o.nohang ? ', WNOHANG' : ''})`,
    stuck: (_k, t, o) => ({
      pid: t.pid,
      tid: t.tid,
      waitsFor: { kind: 'waitpid', pid: o.pid },
      sentence: `Thread ${t.tid} of process ${t.pid} waits in waitpid for process ${o.pid}, which never exits.`,
    }),
    // A waitpid that never returns shows in the log as strace shows it: unfinished.
    unfinished(k, t, o) {
      if (t.phase === 'run') k.emit(t, { type: 'proc.wait', child: o.pid, status: null, blocked: true });
    },
  },
  exit_group: {
    // Ending a process closes its descriptors: the pipe ends it holds too.
    accesses: (k, t) => endAccesses(k, t.pid),
    exec: (k, t, o) => exitProc(k, k.procOf(t), t, o.status, o.how),
    describe: (o) => `${o.how}(${o.status})`,
  },
  abort: {
    accesses: (k, t) => endAccesses(k, t.pid),
    exec: (k, t) => killProc(k, k.procOf(t), SIGNUM.SIGABRT!, t),
    describe: () => 'abort()',
  },
};
