// Where each thread is in the program at every step of a schedule, for the code view's per-thread
// highlight: the library's calls are wrapped so that each operation a thread yields carries the
// compiled line of the call that made it, and the schedule is replayed one step at a time.
// Runs in the worker; the page maps compiled lines to the reader's lines (source-map.ts).

import { lineOf, marked } from '../../sim/position.ts';
import { parseId } from '../../sim/transition.ts';
import type { Run } from '../../sim/types.ts';

type AnyFn = (...args: unknown[]) => unknown;
const GeneratorFunction = (Object.getPrototypeOf(function* () {}) as { constructor: AnyFn }).constructor;

/** The compiled line of the innermost frame of reader code (code evaluated by `new Function`). */
function callerLine(headerLines: number): number {
  const stack = new Error().stack ?? '';
  for (const l of stack.split('\n').slice(2)) {
    const m = /<anonymous>:(\d+):\d+\)?$/.exec(l);
    if (m) return Number(m[1]) - headerLines;
  }
  return 0;
}

/**
 * The library with each generator function wrapped to mark its operations with the caller's line.
 * `headerLines`: lines that `new Function` puts before the program's first line (2 in V8).
 */
export function trackingApi(api: Record<string, unknown>, headerLines = 2): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(api)) {
    if (typeof v === 'function' && v instanceof GeneratorFunction) {
      const fn = v as AnyFn;
      const w = function (this: unknown, ...args: unknown[]) {
        return marked(fn.apply(this, args) as Generator<unknown, unknown, unknown>, callerLine(headerLines));
      };
      Object.defineProperty(w, 'name', { value: fn.name });
      out[k] = w;
    } else out[k] = v;
  }
  return out;
}

/** Each live thread's compiled line after a step: [tid, line] pairs. */
export type StepPositions = [number, number][];

type Steppable = Pick<Run, 'step' | 'pendingOps'>;

/**
 * Replays `path` on a run made with the tracking library and returns, for each step, the line each
 * live thread is at: the thread that took the step, at the call it just made (a forked child with
 * it, at the fork); every other thread at the call it waits to make or is blocked in. One more entry
 * after the last step puts every thread at its waiting call (where a deadlock leaves them).
 */
export function positionsOf(run: Steppable, path: readonly string[]): StepPositions[] {
  const pendingOps = () => run.pendingOps();
  const waiting = (live = pendingOps()): StepPositions =>
    live.filter((t) => lineOf(t.op)).map((t) => [t.tid, lineOf(t.op)]);
  const out: StepPositions[] = [];
  for (const id of path) {
    const tid = parseId(id)?.tid ?? NaN;
    const line = lineOf(pendingOps().find((t) => t.tid === tid)?.op);
    const { events } = run.step(id);
    const born = new Set(events.filter((e) => e.type === 'fork.child').map((e) => e.tid));
    const live = pendingOps();
    const now = waiting(live).filter(([t]) => t !== tid && !born.has(t));
    if (line && live.some((t) => t.tid === tid)) now.unshift([tid, line]);
    if (line) for (const t of born) now.push([t, line]);
    out.push(now);
  }
  out.push(waiting());
  return out;
}
