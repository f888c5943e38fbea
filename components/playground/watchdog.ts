// The watchdog's reading of a request that has to be stopped: from what the worker said while it ran
// (a heartbeat at the start, once the program is loaded, and every 200 ms of library operations, with
// how many operations and steps it had counted), which of five things happened, in words.

/** What the page has heard from the worker of the request it waits for. */
export interface Heard {
  /** 'nothing': not a word yet; 'loading': the program's top level is running; 'running': checking. */
  phase: 'nothing' | 'loading' | 'running';
  /** Library operations the program's threads yielded, steps that finished, executions explored. */
  ops: number;
  steps: number;
  executions: number;
}

/**
 * silent: no word at all; top-level: loading never finished; no-yield: checking, then silence (a loop
 * that calls no library function); no-step: operations kept coming but no step finished; deadline:
 * steps kept finishing until the request's overall time bound.
 */
export type StopKind = 'silent' | 'top-level' | 'no-yield' | 'no-step' | 'deadline';

/** Which kind of stop, `sinceBeat` ms after the last heartbeat and `sinceStep` after the last finished step. */
export function stopKind(
  heard: Heard,
  sinceBeat: number,
  sinceStep: number,
  pastDeadline: boolean,
  stallMs: number,
): StopKind | null {
  if (sinceBeat >= stallMs)
    return heard.phase === 'nothing' ? 'silent' : heard.phase === 'loading' ? 'top-level' : 'no-yield';
  if (heard.phase === 'running' && sinceStep >= stallMs) return 'no-step';
  if (pastDeadline) return 'deadline';
  return null;
}

/**
 * A bound the page may shorten for its own tests: `set` when it is a number of milliseconds above 0
 * and below `limit`, else `limit` (a longer or malformed value never lengthens a bound).
 */
export function pageBound(set: unknown, limit: number): number {
  return typeof set === 'number' && set > 0 && set < limit ? set : limit;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** The head line and the explanation of a stop, as plain text. */
export function stopWords(kind: StopKind, heard: Heard, ms: number): { head: string; body: string } {
  const s = `${(ms / 1000).toFixed(0)} s`;
  const sofar = `${count(heard.steps, 'step')} in ${count(heard.executions + 1, 'execution')}`;
  switch (kind) {
    case 'silent':
      return {
        head: 'Stopped: the sandbox did not answer at all.',
        body: `Its worker said nothing for ${s}, not even that it had started on the program: something this program left running (a timer's callback, say) kept it busy. The worker was stopped; press Run again for a fresh one.`,
      };
    case 'top-level':
      return {
        head: "Stopped: the program's top level never finished.",
        body: `The code outside any thread function ran for ${s} without finishing, so the check never started: a loop at the top level is no step of any thread. Move the work into a thread, where each yield* is a step.`,
      };
    case 'no-yield':
      return {
        head: 'Stopped: a thread kept running without reaching a yield*.',
        body: `For ${s} no thread made a library call (after ${sofar}): a loop with no yield* in it never gives the scheduler a step. The watchdog stopped the worker. Every loop in a thread needs a step boundary.`,
      };
    case 'no-step':
      return {
        head: 'Stopped: library calls kept coming, but no step finished.',
        body: `In ${s} the program's threads made ${count(heard.ops, 'library call')} and no step finished after ${sofar}: calls such as getpid() answer at once and are no scheduling point, so a loop of them alone never lets another thread run nor the execution end. Put a call that is a step (a lock, a write, a fork) in the loop, or bound it.`,
      };
    case 'deadline':
      return {
        head: `Stopped: the check did not end within ${s}.`,
        body: `The program was not stuck: steps kept finishing (${sofar} so far), but the search was still running when the time limit of a Run ran out. One execution with thousands of threads or forks takes long to explore; a smaller program, or fewer iterations, will finish.`,
      };
  }
}
