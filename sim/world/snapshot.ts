// The state after the latest step as plain data, for views: every process with its threads (what
// each will do next), locks, cells and descriptors.
import type { WaitTarget, WorldSnapshot } from '../types.ts';
import type { StepOp } from '../api/ops.ts';
import type { MutexObj, Proc, Thread } from './state.ts';
import { lockRefOf } from './naming.ts';

export type { WorldSnapshot } from '../types.ts';

/** What the snapshot needs from the world. */
export interface SnapshotSource {
  step: number;
  procs: Iterable<Proc>;
  /** Every thread ever created, in creation order. */
  threads: readonly Thread[];
  canRun(t: Thread): boolean;
  describe(o: StepOp): string;
  /** What a blocked thread waits for (the deadlock finding's words for it, were it stuck). */
  waitsFor(t: Thread): WaitTarget;
}

export function snapshotOf(w: SnapshotSource): WorldSnapshot {
  return {
    step: w.step,
    processes: [...w.procs].map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      exited: p.exited,
      status: p.status,
      threads: w.threads
        .filter((t) => t.pid === p.pid)
        .map((t): WorldSnapshot['processes'][number]['threads'][number] => {
          const blocked = !t.exited && (t.phase === 'futex' || t.phase === 'cond' || (!!t.pending && !w.canRun(t)));
          return {
            tid: t.tid,
            state: t.exited ? 'exited' : blocked ? 'blocked' : 'runnable',
            waitsFor: blocked ? w.waitsFor(t) : null,
            next: t.pending
              ? w.describe(t.pending) +
                (t.phase === 'woken' ? ' (woken: retries the exchange)' : t.phase === 'futex' ? ' (in FUTEX_WAIT)' : '')
              : null,
            clock: t.clock,
          };
        }),
      locks: [...p.mem.values()]
        .filter((o): o is MutexObj => o.kind === 'mutex')
        .map((m) => ({ ...lockRefOf(m), word: m.word, owner: m.owner, count: m.count, waiters: m.waiters.slice() })),
      cells: [...p.mem.values()]
        .filter((o) => o.kind === 'cell')
        .map((o) => ({ name: o.name, value: (o as { value: unknown }).value })),
      fds: [...p.fds.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([fd, e]) => ({
          fd,
          path: e.ofd.path,
          ofd: e.ofd.id,
          cloexec: e.cloexec,
          clofork: e.clofork,
          owner: e.owner ?? null,
        })),
    })),
  };
}
