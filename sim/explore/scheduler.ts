// The small interface every search strategy implements: begin an execution, choose among the enabled
// transitions, learn what a step did, and say whether the search skipped anything.
import type { Access, BlockedStep, StrategyName, Transition } from '../types.ts';
import { isPlainId } from '../transition.ts';

/** What a strategy learns after each step it chose. */
export interface StepInfo {
  transition: Transition;
  accesses: readonly Access[];
  /** The transitions enabled after the step. */
  enabledAfter: readonly Transition[];
  /**
   * The step failed in a way that stopped the whole run (an exception, an assertion with nothing
   * left to run): every other thread's steps depend on it, since after it none of them can happen.
   */
  halted: boolean;
  /**
   * Steps of threads that were blocked before this step and that the step ended (it ended their
   * process: exit, a fatal signal): they never run, so DPOR looks for their races at the end.
   */
  killed?: readonly BlockedStep[] | undefined;
}

/** What a strategy may ask of the current state: its fingerprint (Run.fingerprint). */
export interface StateView {
  fingerprint?(): string;
}

export interface Scheduler {
  readonly name: StrategyName;
  /** Starts a new execution from the initial state; false when there is nothing left to explore. */
  begin(): boolean;
  /**
   * Picks the next transition's id among `enabled` (never empty), or null to abandon this execution.
   * `state` is the run in that state, for a strategy that recognises states it has explored.
   */
  choose(enabled: readonly Transition[], state?: StateView): string | null;
  /** Told what the chosen step did. */
  stepped(info: StepInfo): void;
  /** Told the execution is over, with the operations of the threads left blocked (see Run.blocked). */
  ended?(blocked: readonly BlockedStep[]): void;
  /**
   * Why the search, once over, did not cover every execution within the other bounds:
   * 'preemptionBound' when the bound cut a branch, 'sampling' for random and PCT; undefined when complete.
   */
  incompleteBecause(): 'preemptionBound' | 'sampling' | undefined;
}

/** True for a thread's plain step ("1001"), false for a variant of it ("1001!SIGUSR1", "1003~spurious"). */
export function isPlainStep(t: Transition): boolean {
  return isPlainId(t.id);
}

/**
 * The preferred step among candidates: the plain step of the thread that ran last, so that schedules
 * read naturally and switch threads only when they must; else the first plain step; else the first.
 */
export function preferred(candidates: readonly Transition[], lastTid: number | undefined): Transition {
  let firstPlain: Transition | undefined;
  for (const t of candidates) {
    if (isPlainStep(t)) {
      if (t.tid === lastTid) return t;
      firstPlain ??= t;
    }
  }
  return firstPlain ?? candidates[0]!;
}
