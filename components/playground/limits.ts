// Every bound the Playground's runtime enforces, in one place: what a reply from the sandbox may
// weigh, what a share link may inflate to, what a schedule may ask, how long the watchdog waits.

export const LIMITS = {
  /** A reply from the sandbox is JSON text; anything longer is refused before it is parsed. */
  replyChars: 8_000_000,
  /** A reproducer's C text (the replay headers inlined, about 40 KB). */
  reproductionChars: 400_000,
  /** Strings in a reply are clipped to this length by the checker (a schedule string excepted). */
  textChars: 10_000,
  /** Events in one trace, lines in one log: an honest execution stops at the explorer's 5,000 steps. */
  traceEvents: 60_000,
  logLines: 60_000,
  /** The highest step number a reply may name (the world's own step bound is 10,000). */
  step: 20_000,
  /** Findings in a report, choices and threads in a Be-the-scheduler state. */
  findings: 64,
  choices: 1_000,
  /** Refusal notices ("the sandbox refused: ...") relayed per request, and how long after the reply. */
  notices: 8,
  noticeChars: 300,
  noticeGraceMs: 300,
  /** A share link: the hash's length, and what its programs may inflate to (characters of JSON). */
  shareHashChars: 3_000_000,
  shareInflatedChars: 2_000_000,
  /** The steps a schedule (shared, or replayed) may ask for. */
  scheduleSteps: 20_000,
  /** How long the worker may stay silent before it is presumed stuck in a loop that never yields. */
  stallMs: 3000,
  /** The longest any one request may take, progress or not. */
  requestMs: 12_000,
} as const;

/**
 * How many steps a schedule string asks for, counted without expanding it ("1000*3.1001" asks for
 * 4): the bound is checked before anything decodes the string (sim/explore/schedule.ts owns the format).
 */
export function scheduleSteps(schedule: string): number {
  let n = 0;
  for (const token of schedule.split('.')) {
    const star = token.indexOf('*');
    const count = star < 0 ? 1 : Number(token.slice(star + 1));
    n += Number.isFinite(count) && count > 0 ? count : 1;
  }
  return n;
}
