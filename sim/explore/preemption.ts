// Preemption bounding (Musuvathi and Qadeer, PLDI'07): a schedule's cost is the number of times it
// switches away from a thread that could have gone on. Shared by DPOR and plain enumeration.
import type { Transition } from '../types.ts';

/** Taking `t` where `enabled` can run and `lastTid` ran last switches away from a runnable thread. */
export function isPreemption(t: Transition, enabled: readonly Transition[], lastTid: number | undefined): boolean {
  return lastTid !== undefined && t.tid !== lastTid && enabled.some((u) => u.tid === lastTid);
}

/** The preemptions of a schedule once `t` is taken at a point with `preemptions` so far. */
export function preemptionsAfter(
  t: Transition,
  at: { enabled: readonly Transition[]; preemptions: number; lastTid: number | undefined },
): number {
  return at.preemptions + (isPreemption(t, at.enabled, at.lastTid) ? 1 : 0);
}

/** Within `bound` (undefined: unbounded) once `t` is taken there. */
export function withinBound(
  bound: number | undefined,
  t: Transition,
  at: { enabled: readonly Transition[]; preemptions: number; lastTid: number | undefined },
): boolean {
  return bound === undefined || preemptionsAfter(t, at) <= bound;
}
