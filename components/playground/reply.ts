// What the checker's worker sends, built from the simulator's own values: the JSON text of a reply
// (serialize) and Be the scheduler's state of a run (schedState). Kept apart from worker.ts, which
// listens to the frame, so that the tests read the very replies an honest checker gives (validate.ts).
import { encodeSchedule } from '../../sim/index.ts';
import { parseId } from '../../sim/transition.ts';
import type { Run, WorldSnapshot } from '../../sim/types.ts';
import type { Choice, SchedState, WorkerResponse } from './protocol.ts';
import { logLines } from './log-lines.ts';
import { LIMITS } from './limits.ts';

// Captured when the checker loads, before any reader code runs.
const stringify = JSON.stringify;

/** JSON text of a reply: functions and bigints in thread arguments become words, long strings are clipped. */
export function serialize(m: WorkerResponse): string {
  // A reproducer is one long C text, bounded by the page (LIMITS.reproductionChars), never clipped.
  if (m.type === 'reproduction') return stringify(m);
  return stringify(m, function (this: unknown, key: string, v: unknown) {
    if (typeof v === 'function') return `[function ${v.name || 'anonymous'}]`;
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'string' && v.length > LIMITS.textChars && key !== 'schedule') {
      return `${v.slice(0, LIMITS.textChars)}… (${v.length} characters in all)`;
    }
    return v;
  });
}

type ThreadView = SchedState['threads'][number];

/** The threads of the world's snapshot that have not exited, with their state and next operation. */
function threadsOf(snap: WorldSnapshot): ThreadView[] {
  return snap.processes.flatMap((p) =>
    p.threads
      .filter((t) => t.state !== 'exited')
      .map((t) => ({ tid: t.tid, pid: p.pid, state: t.state, next: t.next })),
  );
}

/** Words for a choice: the thread's next operation, or the variant after the tid ("!SIGUSR1", "~spurious"). */
function describeChoice(id: string, tid: number, threads: ThreadView[]): string {
  const parsed = parseId(id);
  if (parsed?.kind === 'signal') return `deliver ${parsed.sig}`;
  if (parsed?.kind === 'variant') return parsed.variant.replace(/-/g, ' ');
  return threads.find((t) => t.tid === tid)?.next ?? 'its next step';
}

/** Where the run that has taken `path` stands: its choices, trace, log, findings and threads. */
export function schedState(run: Run, path: readonly string[]): SchedState {
  const trace = run.trace();
  const threads = threadsOf(run.snapshot());
  const enabled: Choice[] = run
    .enabled()
    .map((t) => ({ id: t.id, tid: t.tid, pid: t.pid, label: describeChoice(t.id, t.tid, threads) }));
  const schedule = encodeSchedule(path);
  return {
    enabled,
    trace,
    log: logLines(trace),
    findings: run.findings().map((f) => ({ ...f, schedule })),
    over: enabled.length === 0,
    schedule,
    threads,
  };
}
