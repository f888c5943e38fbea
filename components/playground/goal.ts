// Be the scheduler as a game: a chapter's Playground names what the reader should make happen by hand
// (`goal` in the chapter's MDX), and the live world's findings say when it has.
import type { Finding } from '../../sim/types.ts';

/** What the reader is asked to bring about: a finding of this kind, or a deadlock that catches the child. */
export const GOAL_KINDS = ['child-hangs', 'deadlock', 'fd-leak', 'unsafe-call', 'assertion'] as const;
export type GoalKind = (typeof GOAL_KINDS)[number];

export function isGoalKind(x: unknown): x is GoalKind {
  return GOAL_KINDS.some((k) => k === x);
}

/** The task in words when the chapter gives none of its own. */
export function goalText(kind: GoalKind): string {
  switch (kind) {
    case 'child-hangs':
      return 'Hang the child: pick the threads so that the forked child waits for ever.';
    case 'deadlock':
      return 'Make the program hang: pick the threads so that no thread can go on.';
    case 'fd-leak':
      return 'Leak a descriptor: pick the threads so that a child inherits a descriptor it should not have.';
    case 'unsafe-call':
      return 'Make the child call a function that is not async-signal-safe after fork.';
    case 'assertion':
      return "Break the program's assertion.";
  }
}

/** In past tense, for the moment it is reached ("You hung the child"). */
export function goalDone(kind: GoalKind): string {
  switch (kind) {
    case 'child-hangs':
      return 'you hung the child';
    case 'deadlock':
      return 'you hung the program';
    case 'fd-leak':
      return 'you leaked a descriptor into a child';
    case 'unsafe-call':
      return 'the child made an unsafe call';
    case 'assertion':
      return 'you broke the assertion';
  }
}

/**
 * Whether the findings so far meet the goal. A child hangs when a deadlock leaves a thread of a process
 * other than the first one (`firstPid`, the process main runs in) stuck.
 */
export function goalReached(
  kind: GoalKind,
  findings: readonly Pick<Finding, 'kind' | 'stuck'>[],
  firstPid: number | undefined,
): boolean {
  if (kind === 'child-hangs')
    return findings.some((f) => f.kind === 'deadlock' && (f.stuck ?? []).some((t) => t.pid !== firstPid));
  return findings.some((f) => f.kind === kind);
}
