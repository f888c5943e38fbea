// What the world needs to know about one kind of step: the contract every file in ops/ implements.
import type { Access, StuckThread } from '../types.ts';
import type { StepOp } from '../api/ops.ts';
import type { Kernel } from './kernel.ts';
import type { Thread } from './state.ts';

export interface OpModel<O extends StepOp> {
  /** Every object the step may read or write: the explorer's dependency relation is built from this. */
  accesses(k: Kernel, t: Thread, o: O): Access[];
  /** Runs the step: changes state, emits events, completes the op or leaves the thread waiting. Never chooses. */
  exec(k: Kernel, t: Thread, o: O): void;
  /** The pending operation in words, for the state table and explanations. */
  describe(o: O): string;
  /**
   * Whether the thread can take the step now (default: yes). An op that can refuse is one that waits
   * for another thread: Run.blocked() lists it with its accesses while it cannot run.
   */
  canRun?(k: Kernel, t: Thread, o: O): boolean;
  /** The accesses Run.blocked() reports while the op cannot run (default: its accesses). */
  blockedAccesses?(k: Kernel, t: Thread, o: O): Access[];
  /** Why a thread that never takes this step is stuck, for the deadlock finding. */
  stuck?(k: Kernel, t: Thread, o: O): StuckThread;
  /** What the log shows for a call that never returns (strace's unfinished line), at a deadlock. */
  unfinished?(k: Kernel, t: Thread, o: O): void;
}

export type OpKind = StepOp['k'];
export type OpOf<K extends OpKind> = Extract<StepOp, { k: K }>;
/** The models of a family of ops, one per kind. */
export type Models<K extends OpKind> = { [P in K]: OpModel<OpOf<P>> };

/** Shorthands for the access lists every model builds. */
export const reads = (obj: Access['obj']): Access => ({ obj, write: false });
export const writes = (obj: Access['obj']): Access => ({ obj, write: true });
