// A reply from the sandbox is read here before anything else touches it: it must be JSON text no longer
// than the bound, and once parsed it must have the shape and the sizes an honest checker produces
// (a trace of at most so many events, steps within the world's step bound, a known verdict). Anything
// else is refused with a reason; sanitize.ts then makes what passed safe to render.
//
// The reply is not trusted as it is: it is rebuilt, field by field, from what each field's parser
// accepted, so the page holds only fields the protocol declares, each of the type it declares. The
// parsers are typed against the protocol (protocol.ts, sim/types.ts, sim/events.ts): a field or an event
// type added there without its parser here does not compile.
import type { Choice, LogLine, SchedState, WorkerResponse } from './protocol.ts';
import type { Completeness, Finding, Report, Stats, StuckThread, Verdict, WaitTarget } from '../../sim/types.ts';
import type { EventBase, LockRef, TraceEvent, TraceEventType } from '../../sim/events.ts';
import { LIMITS } from './limits.ts';

export type ReadReply = { ok: true; reply: WorkerResponse } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

class Refused extends Error {}
function need(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Refused(what);
}

/** Reads one value of type T, or refuses the reply, saying what `what` (the value's place) lacked. */
type Parse<T> = (x: unknown, what: string) => T;
/** A parser for every field of T, optional ones included (their parser accepts a missing value). */
type Shape<T> = { [K in keyof T]-?: Parse<T[K]> };

const int: Parse<number> = (x, what) => {
  need(typeof x === 'number' && Number.isInteger(x), `${what} is not a whole number`);
  return x;
};
const num: Parse<number> = (x, what) => {
  need(typeof x === 'number' && Number.isFinite(x), `${what} is not a number`);
  return x;
};
const str: Parse<string> = (x, what) => {
  need(typeof x === 'string', `${what} is not text`);
  return x;
};
const bool: Parse<boolean> = (x, what) => {
  need(typeof x === 'boolean', `${what} is not true or false`);
  return x;
};
/** A program's own value (a thread's argument or result, a cell's content): any JSON, sanitized later. */
const anything: Parse<unknown> = (x) => x;
const step: Parse<number> = (x, what) => {
  need(
    typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= LIMITS.step,
    `${what} is not a step between 0 and ${LIMITS.step}`,
  );
  return x;
};

function oneOf<const T extends string>(...values: T[]): Parse<T> {
  return (x, what) => {
    const v = values.find((v) => v === x);
    need(v !== undefined, `${what} is not one of ${values.join(', ')}`);
    return v;
  };
}
function opt<T>(p: Parse<T>): Parse<T | undefined> {
  return (x, what) => (x === undefined ? undefined : p(x, what));
}
function orNull<T>(p: Parse<T>): Parse<T | null> {
  return (x, what) => (x === null ? null : p(x, what));
}
function list<T>(item: Parse<T>, max: number, unit = 'items'): Parse<T[]> {
  return (x, what) => {
    need(Array.isArray(x), `${what} is not a list`);
    need(x.length <= max, `${what} has ${x.length} ${unit} (at most ${max})`);
    return x.map((v: unknown, i) => item(v, `${what}[${i}]`));
  };
}
function pair<T>(p: Parse<T>): Parse<[T, T]> {
  return (x, what) => {
    need(Array.isArray(x) && x.length === 2, `${what} is not a pair`);
    return [p(x[0], `${what}[0]`), p(x[1], `${what}[1]`)];
  };
}
/** An object with exactly the fields of `shape` (others are dropped); a field whose parser gives undefined is left out. */
function record<T>(shape: Shape<T>): Parse<T> {
  return (x, what) => {
    need(isObj(x), `${what} is not an object`);
    const out: Obj = {};
    for (const key of Object.keys(shape) as (keyof T & string)[]) {
      const v = shape[key](x[key], `${what}.${key}`);
      if (v !== undefined) out[key] = v;
    }
    // Every key of T was read by its own parser, typed against T's field: out is a T.
    return out as T;
  };
}
/** Each member of the union U without the fields K. */
type Without<U, K extends PropertyKey> = U extends unknown ? Omit<U, K> : never;
/**
 * The member of a union tagged `tag` whose tag is `x[tag]`, read by that member's shape; fields `Skip`
 * that every member shares are read apart (the caller adds them).
 */
function tagged<U extends Record<Tag, string>, Tag extends keyof U & string, Skip extends keyof U = never>(
  tag: Tag,
  shapes: { [V in U[Tag]]: Shape<Omit<Extract<U, Record<Tag, V>>, Tag | Skip>> },
): Parse<Without<U, Skip>> {
  return (x, what) => {
    need(isObj(x), `${what} is not an object`);
    const v = x[tag];
    need(typeof v === 'string' && Object.hasOwn(shapes, v), `${what} has no known ${tag}`);
    const shape: Shape<Obj> = shapes[v as U[Tag]];
    // The tag selected the shape of that very member: tag plus its fields is that member of U.
    return { [tag]: v, ...record(shape)(x, what) } as Without<U, Skip>;
  };
}

const VERDICT = oneOf<Verdict>('ok', 'deadlock', 'assertion', 'fd-leak', 'unsafe-call', 'error');
const FINDING_KIND = oneOf<Finding['kind']>('deadlock', 'assertion', 'fd-leak', 'unsafe-call', 'error');

const lockRef = record<LockRef>({ addr: int, name: str, kind: str });
const ints = list(int, LIMITS.choices);
const words = list(str, LIMITS.findings);

type Fields<K extends TraceEventType> = Omit<Extract<TraceEvent, { type: K }>, keyof EventBase | 'type'>;
const EVENT_FIELDS: { [K in TraceEventType]: Shape<Fields<K>> } = {
  'thread.start': { fn: str, args: list(anything, LIMITS.choices) },
  'thread.create': { child: int },
  'thread.exit': { value: anything },
  'thread.join': { target: int, value: anything },
  'mutex.lock': { lock: lockRef, word: int, count: opt(int) },
  'mutex.trylock': { lock: lockRef, result: int },
  'mutex.unlock': { lock: lockRef, result: int, word: int },
  'mutex.init': { lock: lockRef },
  'futex.wait': { addr: int, val: int, lock: opt(str), cond: opt(str) },
  'futex.wake': { addr: int, count: int, woken: ints, lock: opt(str) },
  'futex.resume': { addr: int, result: int },
  'sem.wait': { name: str, value: int, blocked: bool },
  'sem.post': { name: str, value: int },
  'sem.init': { name: str, value: int },
  'cond.wait': { name: str, mutex: str },
  'cond.signal': { name: str, woken: ints, broadcast: bool },
  'cell.read': { name: str, value: anything },
  'cell.write': { name: str, value: anything },
  'atfork.register': { index: int },
  'atfork.run': { phase: oneOf('prepare', 'parent', 'child'), index: int, internal: opt(str) },
  fork: { child: int, raw: bool },
  'fork.child': { parent: int, parentTid: int },
  'libc.lock-reset': { lock: lockRef, how: oneOf('reinit', 'unlock') },
  'libc.call': { fn: str, phase: oneOf('enter', 'leave'), detail: opt(str) },
  'proc.exit': { status: int, how: oneOf('exit', '_exit', 'return', 'exec-image', 'signal') },
  'proc.wait': { child: int, status: orNull(int), blocked: bool, nohang: opt(bool) },
  'proc.exec': { path: str, closed: ints },
  'fd.open': { fd: int, path: str, flags: words, result: opt(int) },
  'fd.close': { fd: int, result: int },
  'fd.dup2': { from: int, to: int, result: int },
  'fd.socketpair': { fds: pair(int), flags: words },
  'fd.inherit': { fds: ints },
  'fd.leak': { fd: int, owner: int, intoPid: int },
  'sys.sendmsg': { fd: int, bytes: int, what: str },
  'sys.recvmsg': { fd: int, bytes: int, what: str, fds: opt(ints) },
  'io.write': { fd: int, text: str, at: opt(int) },
  'io.read': { fd: int, text: str, n: opt(int), at: opt(int) },
  'sys.file': { call: str, args: str, result: int },
  'fd.pipe': { fds: pair(int), flags: words },
  'signal.send': { sig: str, target: int, targetIsPid: bool },
  'signal.deliver': { sig: str },
  'signal.return': { sig: str },
  'signal.mask': { how: str, set: orNull(words), mask: words },
  'signal.suspend': { mask: words },
  'signal.resume': {},
  'signal.wait': { sig: str },
  'time.sleep': { ns: num, until: num },
  'unsafe-call': { fn: str, context: oneOf('fork-child', 'signal-handler') },
  'assert.fail': { message: str },
  error: { message: str },
};
const eventBase = record<EventBase>({ step, pid: int, tid: int, time: num });
const eventFields = tagged<TraceEvent, 'type', keyof EventBase>('type', EVENT_FIELDS);
const event: Parse<TraceEvent> = (x, what) => ({ ...eventFields(x, what), ...eventBase(x, what) });
const trace = list(event, LIMITS.traceEvents, 'events');

const waitTarget = tagged<WaitTarget, 'kind'>('kind', {
  mutex: { name: str, addr: int },
  cond: { name: str },
  sem: { name: str },
  pipe: { name: str },
  signal: { name: str },
  join: { tid: int },
  waitpid: { pid: int },
  op: { op: str },
});
const stuckThread = record<StuckThread>({
  pid: int,
  tid: int,
  waitsFor: waitTarget,
  holder: opt(int),
  holderLeftBehindByFork: opt(bool),
  holderIsForkingThread: opt(bool),
  sentence: str,
});
const finding = record<Finding>({
  kind: FINDING_KIND,
  message: str,
  stuck: opt(list(stuckThread, LIMITS.choices, 'threads')),
  schedule: str,
  trace,
  cut: opt(oneOf('maxSteps')),
});
const findings = list(finding, LIMITS.findings, 'findings');
const logLine = record<LogLine>({ step, text: str });
const log = list(logLine, LIMITS.logLines, 'lines');

const completeness: Parse<Completeness> = (x, what) => {
  need(isObj(x), `${what} does not say whether the search was complete`);
  if (bool(x.complete, `${what}.complete`)) return { complete: true };
  return {
    complete: false,
    stoppedBy: oneOf(
      'maxExecutions',
      'maxTime',
      'preemptionBound',
      'maxSteps',
      'cancelled',
      'sampling',
    )(x.stoppedBy, `${what}.stoppedBy`),
  };
};
const stats = record<Stats>({
  executions: int,
  blocked: opt(int),
  distinctOutcomes: int,
  elapsedMs: num,
  failedRuns: opt(int),
  runs: opt(int),
});
const reportShape = record<Report>({
  verdict: VERDICT,
  completeness,
  findings,
  notes: words,
  stats,
  strategy: oneOf('dpor', 'enumerate', 'random', 'pct', 'replay'),
  sample: opt(record<{ schedule: string; trace: TraceEvent[] }>({ schedule: str, trace })),
});
const report: Parse<Report> = (x, what) => {
  const r = reportShape(x, what);
  // The verdict is the worst finding's kind; a report that says ok has none.
  need(
    r.verdict === 'ok' ? r.findings.length === 0 : r.findings.some((f) => f.kind === r.verdict),
    'the verdict does not match the findings',
  );
  return r;
};
/** Each thread's [tid, line] at every step of a replayed schedule. */
const positions = list(list(pair(int), LIMITS.choices, 'threads'), LIMITS.step, 'steps');

const choice = record<Choice>({ id: str, tid: int, pid: int, label: str });
const schedState = record<SchedState>({
  enabled: list(choice, LIMITS.choices, 'choices'),
  trace,
  log,
  findings,
  over: bool,
  schedule: str,
  threads: list(
    record<SchedState['threads'][number]>({ tid: int, pid: int, state: str, next: orNull(str) }),
    LIMITS.choices,
    'threads',
  ),
});

const clip = (n: number) => (s: string) => s.slice(0, n);
const clipped =
  (n: number): Parse<string> =>
  (x, what) =>
    clip(n)(str(x, what));

const REPLIES = {
  progress: {
    id: int,
    progress: record({ executions: num, elapsedMs: num, findings: num }),
  },
  beat: { id: int, phase: oneOf('loading', 'running'), ops: num, steps: num },
  result: { id: int, report, log, positions: opt(positions) },
  'sched-state': { id: int, state: schedState },
  error: {
    id: int,
    phase: oneOf('load', 'run'),
    message: clipped(LIMITS.textChars),
    line: opt(int),
    column: opt(int),
  },
  reproduction: {
    id: int,
    fileName: (x, what) => {
      need(typeof x === 'string' && /^[\w.-]{1,100}\.c$/.test(x), `${what} is not the name of a C file`);
      return x;
    },
    text: (x, what) => {
      const s = str(x, what);
      need(s.length <= LIMITS.reproductionChars, `${what} is longer than ${LIMITS.reproductionChars} characters`);
      return s;
    },
    notForceable: (x, what) => list(str, LIMITS.findings)(x, what).map(clip(LIMITS.noticeChars)),
  },
  blocked: { id: int, what: clipped(LIMITS.noticeChars) },
  ready: {},
} satisfies { [T in WorkerResponse['type']]: Shape<Omit<Extract<WorkerResponse, { type: T }>, 'type'>> };
const reply = tagged<WorkerResponse, 'type'>('type', REPLIES);

/** Reads one message from the sandbox: bounded text first, then JSON, then the shape. */
export function readReply(data: unknown): ReadReply {
  if (typeof data !== 'string') return { ok: false, reason: 'the sandbox sent something other than text' };
  if (data.length > LIMITS.replyChars)
    return { ok: false, reason: `the reply is too large (${(data.length / 1e6).toFixed(1)} million characters)` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'the reply is not JSON' };
  }
  try {
    return { ok: true, reply: reply(parsed, 'the reply') };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.message };
    throw e;
  }
}
