// The state after a step, as the Playground's views read it (flat lists of threads, locks and
// processes), taken from the one reconstruction the simulator keeps true to the world's own
// snapshot: sim/render/state.ts.
import type { TraceEvent } from '../../sim/events.ts';
import { stateAt as worldStateAt } from '../../sim/render/state.ts';

export interface ThreadState {
  pid: number;
  tid: number;
  fn: string;
  status: 'running' | 'blocked' | 'exited';
  /** What it waits for, in words, when blocked. */
  waits?: string;
}
export interface LockState {
  pid: number;
  name: string;
  kind: string;
  owner: number;
  /** The owner is not a live thread of this process: fork copied the lock but not its holder. */
  orphan: boolean;
}
export interface ProcState {
  pid: number;
  parent?: number | undefined;
  exited?: number | undefined;
  fds: Map<number, string>;
}
export interface WorldState {
  step: number;
  time: number;
  threads: ThreadState[];
  locks: LockState[];
  procs: ProcState[];
}

/** Apply every event whose step is at most `step`. */
export function stateAt(trace: readonly TraceEvent[], step: number): WorldState {
  const s = worldStateAt(trace, step);
  return {
    step: s.step,
    time: s.time,
    threads: s.processes.flatMap((p) => p.threads.map((t) => ({ pid: p.pid, ...t }))),
    locks: s.processes.flatMap((p) =>
      p.locks.map((l) => ({ pid: p.pid, name: l.name, kind: l.kind, owner: l.owner, orphan: l.orphan })),
    ),
    procs: s.processes.map((p) => ({
      pid: p.pid,
      parent: p.ppid || undefined,
      // The exit code, from the wait status (a signal's death reads as 128 + its number, as in a shell).
      exited: p.exited ? (p.status & 0x7f ? 128 + (p.status & 0x7f) : p.status >> 8) : undefined,
      fds: new Map(p.fds.map((f) => [f.fd, f.path])),
    })),
  };
}
