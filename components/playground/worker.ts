// The checker's worker: loads one compiled reader program against the bundled simulator, answers one
// request (check, random, replay, or a Be-the-scheduler step) and is then thrown away by the frame.
//
// Only this file's code can answer: the frame hands it a MessagePort with the request, which it keeps
// in a closure, and listens to nothing else the worker posts. Before reader code runs, every shared
// intrinsic is frozen (lockdown.ts), so a program can neither reach the port nor change how the
// checker builds or sends its answer; and since each worker serves one program, nothing it leaves
// behind reaches the next one.
import { explore, createRun, encodeSchedule, decodeSchedule } from '../../sim/index.ts';
import * as api from '../../sim/api/index.ts';
import { INSTANT_OPS } from '../../sim/api/ops.ts';
import type { ExploreOptions, Program, ProgramOptions, Expected, Report, Run, Verdict } from '../../sim/types.ts';
import type { WorkerRequest, WorkerResponse, PortMessage, RunRequest } from './protocol.ts';
import { logLines } from './log-lines.ts';
import { schedState, serialize } from './reply.ts';
import { trackingApi, positionsOf, type StepPositions } from './positions.ts';
import { followTurns } from './follow.ts';
import { lockdown } from './lockdown.ts';
import { LIMITS, scheduleSteps } from './limits.ts';
import { compileC, provideWasm } from '../../sim/c/index.ts';
import { unpackTree, type Packed } from './c-tree.ts';
import { makeReproduction } from './reproduce-file.ts';

// The watchdog's heartbeat: library operations the program's threads yielded, and the steps that
// finished (an operation that is a step is resumed once the world has run it), posted every 200 ms.
let ops = 0;
let steps = 0;
let lastBeat = 0;
function beat(phase: 'loading' | 'running', now = Date.now()) {
  lastBeat = now;
  post({ type: 'beat', id: current, phase, ops, steps }, false);
}

/** The library with every call's operations counted for the heartbeat, at the cost of one call per operation. */
function counting(lib: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(lib)) {
    if (typeof v !== 'function' || !(v instanceof GeneratorFunction)) {
      out[k] = v;
      continue;
    }
    const w = function (this: unknown, ...args: unknown[]): Iterator<unknown, unknown, unknown> & Iterable<unknown> {
      const inner = apply(v, this, args);
      let stepping = false;
      const seen = (r: IteratorResult<unknown, unknown>) => {
        if (stepping) steps++;
        stepping = false;
        if (!r.done) {
          ops++;
          const op = r.value;
          const k = typeof op === 'object' && op !== null && 'k' in op ? op.k : undefined;
          stepping = typeof k === 'string' && !INSTANT_OPS.has(k);
          const now = Date.now();
          if (now - lastBeat >= 200) beat('running', now);
        }
        return r;
      };
      const it = {
        next: (x?: unknown) => seen(inner.next(x)),
        throw: (e?: unknown) => seen(inner.throw!(e)),
        return: (x?: unknown) => inner.return!(x),
        [Symbol.iterator]: () => it,
      };
      return it;
    };
    Object.defineProperty(w, 'name', { value: v.name });
    out[k] = w;
  }
  return out;
}
/** The intrinsic %GeneratorFunction%, which has no global name: its instances are the library's calls. */
const GeneratorFunction = (Object.getPrototypeOf(function* () {}) as { constructor: unknown }).constructor as new (
  ...a: string[]
) => (...args: unknown[]) => Iterator<unknown, unknown, unknown>;

// Captured while only the checker's code has run.
const postOnPort = MessagePort.prototype.postMessage;
const apply = Reflect.apply;
const forklore: Readonly<Record<string, unknown>> = Object.freeze(counting({ ...api }));
// The same library with each call marking its operations with the caller's line (positions.ts).
const tracking: Readonly<Record<string, unknown>> = Object.freeze(trackingApi({ ...api }));
let port: MessagePort | null = null;
let current = 0;
let notices = 0;
/**
 * The request's C program, compiled by sim/c before the request is served (C is data: it is
 * interpreted as closures, never evaluated), and the same program with line marks when asked for.
 */
let cProgram: { plain: Program; tracked: Program | null } | null = null;

const VERDICTS: readonly Verdict[] = ['ok', 'deadlock', 'assertion', 'fd-leak', 'unsafe-call', 'error'];

function post(m: WorkerResponse, final: boolean) {
  if (!port) return;
  let data: string;
  try {
    data = serialize(m);
  } catch (e) {
    data = serialize({
      type: 'error',
      id: current,
      phase: 'run',
      message: `the result could not be sent: ${errorMessage(e)}`,
    });
  }
  if (data.length > LIMITS.replyChars) {
    data = serialize({
      type: 'error',
      id: current,
      phase: 'run',
      message: `the result is too large to show (${(data.length / 1e6).toFixed(1)} million characters).`,
    });
  }
  const out: PortMessage = { final, data };
  apply(postOnPort, port, [out]);
}

/** Evaluate CommonJS text with 'forklore' as its only importable module. */
function load(code: string, name: string, library: Readonly<Record<string, unknown>> = forklore): Program {
  if (cProgram) {
    const p = library === tracking ? cProgram.tracked : cProgram.plain;
    if (!p) throw new Error('this C program was compiled without line marks');
    return p;
  }
  const module: { exports: Record<string, unknown> } = { exports: {} };
  const require = (spec: string) => {
    if (spec === 'forklore') return library;
    throw new Error(`a program can import only 'forklore' (this one imports '${spec}')`);
  };
  // The reader's program, compiled by esbuild to CommonJS; the sandbox's CSP allows eval for it.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the sandbox exists to run this
  (new Function('require', 'module', 'exports', code) as (...args: unknown[]) => void)(require, module, module.exports);
  const main: unknown = module.exports.default;
  if (!isThreadFn(main)) throw new Error('the program has no default export: export default function* main() { ... }');
  return {
    main,
    options: isOptions(module.exports.options) ? module.exports.options : {},
    expected: isExpected(module.exports.expected) ? module.exports.expected : undefined,
    name,
  };
}

function isThreadFn(x: unknown): x is Program['main'] {
  return typeof x === 'function';
}
function isOptions(x: unknown): x is ProgramOptions {
  return typeof x === 'object' && x !== null;
}
function isExpected(x: unknown): x is Expected {
  return typeof x === 'object' && x !== null && 'verdict' in x && VERDICTS.some((v) => v === x.verdict);
}

function errorMessage(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
  } catch {
    return 'an error that cannot be described';
  }
}

/** Loads the request's program, or reports why it cannot be loaded and returns null. */
function loadOrReport(req: { id: number; code: string; name: string }): Program | null {
  try {
    const program = load(req.code, req.name);
    beat('running');
    return program;
  } catch (e) {
    post({ type: 'error', id: req.id, phase: 'load', message: errorMessage(e) }, true);
    return null;
  }
}

function run(req: Extract<WorkerRequest, { type: 'run' }>) {
  if ((req.mode === 'replay' || req.mode === 'follow') && scheduleSteps(req.schedule ?? '') > LIMITS.scheduleSteps) {
    post(
      {
        type: 'error',
        id: req.id,
        phase: 'run',
        message: `the schedule asks for more than ${LIMITS.scheduleSteps} steps; it was not replayed.`,
      },
      true,
    );
    return;
  }
  const program = loadOrReport(req);
  if (!program) return;
  if (req.mode === 'follow') {
    // The other program's turns, as far as this one allows; then replayed as this program's schedule.
    try {
      req = {
        ...req,
        mode: 'replay',
        schedule: encodeSchedule(followTurns(createRun(program, {}), decodeSchedule(req.schedule ?? ''), req.forkAt)),
      };
    } catch (e) {
      post({ type: 'error', id: req.id, phase: 'run', message: errorMessage(e) }, true);
      return;
    }
  }
  let lastPost = 0;
  const onProgress = (p: { executions: number; elapsedMs: number; findings: number }) => {
    const now = Date.now();
    if (now - lastPost > 100) {
      lastPost = now;
      post(
        {
          type: 'progress',
          id: req.id,
          progress: { executions: p.executions, elapsedMs: p.elapsedMs, findings: p.findings },
        },
        false,
      );
    }
  };
  const opts: ExploreOptions =
    req.mode === 'random'
      ? {
          strategy: 'random',
          runs: Math.min(req.runs ?? 100, 1000),
          seed: req.seed ?? 1,
          stopAtFirst: false,
          maxTimeMs: req.maxTimeMs ?? 8000,
          onProgress,
        }
      : req.mode === 'replay'
        ? { strategy: 'replay', schedule: req.schedule ?? '', maxTimeMs: req.maxTimeMs ?? 8000, onProgress }
        : // A counterexample is the answer: report it at once rather than search on to the time limit.
          { stopAtFirst: true, maxTimeMs: req.maxTimeMs ?? 8000, onProgress };
  if (req.reproduce && cProgram && req.mode === 'replay') {
    try {
      const r = makeReproduction(program, req.schedule ?? '', req.code, req.name);
      post(
        { type: 'reproduction', id: req.id, fileName: r.fileName, text: r.text, notForceable: r.notForceable },
        true,
      );
    } catch (e) {
      post({ type: 'error', id: req.id, phase: 'run', message: errorMessage(e) }, true);
    }
    return;
  }
  try {
    const report: Report = explore(program, opts);
    const trace = report.findings[0]?.trace ?? report.sample?.trace ?? [];
    const positions =
      req.positions && req.mode === 'replay' && req.schedule ? linePositions(req, req.schedule) : undefined;
    post({ type: 'result', id: req.id, report, log: logLines(trace), ...(positions && { positions }) }, true);
  } catch (e) {
    post({ type: 'error', id: req.id, phase: 'run', message: errorMessage(e) }, true);
  }
}

/** Each thread's compiled line at every step of `schedule`, from one more run of it (positions.ts). */
function linePositions(req: { code: string; name: string }, schedule: string): StepPositions[] | undefined {
  try {
    return positionsOf(createRun(load(req.code, req.name, tracking), {}), decodeSchedule(schedule));
  } catch {
    return undefined;
  }
}

/** Be the scheduler's live world: the program, loaded once, and the run that has taken `path`. */
let session: { code: string; name: string; program: Program; run: Run; path: string[] } | null = null;

/**
 * The world after `path`: the live one stepped on when the path extends the steps it has taken (a
 * pick costs one step), else a new run of the same loaded program replayed to it (Undo, Start over).
 */
function worldAt(req: Extract<WorkerRequest, { type: 'sched' }>): Run | null {
  let s = session?.code === req.code && session.name === req.name ? session : null;
  if (!s) {
    const program = loadOrReport(req);
    if (!program) return null;
    s = session = { code: req.code, name: req.name, program, run: createRun(program, {}), path: [] };
  } else beat('running');
  const live = s.path.length <= req.path.length && s.path.every((id, i) => req.path[i] === id);
  if (!live) {
    s.run = createRun(s.program, {});
    s.path = [];
  }
  for (const id of req.path.slice(s.path.length)) {
    s.run.step(id);
    s.path.push(id);
  }
  return s.run;
}

function schedule(req: Extract<WorkerRequest, { type: 'sched' }>) {
  if (req.path.length > LIMITS.scheduleSteps) {
    post(
      {
        type: 'error',
        id: req.id,
        phase: 'run',
        message: `a schedule of more than ${LIMITS.scheduleSteps} steps cannot be stepped by hand.`,
      },
      true,
    );
    return;
  }
  try {
    const r = worldAt(req);
    if (!r) return;
    const state = schedState(r, req.path);
    post({ type: 'sched-state', id: req.id, state }, true);
  } catch (e) {
    // A step that failed leaves the world half way: the next request starts from a new run.
    if (session) session.path = ['(failed)'];
    post({ type: 'error', id: req.id, phase: 'run', message: errorMessage(e) }, true);
  }
}

/** A refusal the browser made (not one the program dispatched itself), said in a few words. */
function notice(what: string) {
  if (notices >= LIMITS.notices) return;
  notices++;
  post({ type: 'blocked', id: current, what: what.slice(0, LIMITS.noticeChars) }, false);
}

// Reader code may try what the sandbox forbids: say so instead of failing silently.
self.addEventListener('securitypolicyviolation', (e) => {
  if (!e.isTrusted) return;
  notice(`${e.effectiveDirective} ${e.blockedURI}`);
});
self.addEventListener('unhandledrejection', (e) => {
  if (!e.isTrusted) return;
  e.preventDefault();
  notice(errorMessage(e.reason));
});

type Fields = Record<string, unknown>;
const isFields = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
/** Absent, or of the type `is` checks. */
const optional =
  <T>(is: (x: unknown) => x is T) =>
  (x: unknown): x is T | undefined =>
    x === undefined || is(x);
const isString = (x: unknown): x is string => typeof x === 'string';
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const RUN_MODES: readonly RunRequest['mode'][] = ['check', 'random', 'replay', 'follow'];

/** The C program's parts a request may bring: the language, the tree parsed at build time, the parser's wasm. */
function isCProgram(r: Fields): boolean {
  const wasm = r.wasm;
  return (
    (r.lang === undefined || r.lang === 'c') &&
    optional(isString)(r.tree) &&
    (wasm === undefined || (isFields(wasm) && wasm.runtime instanceof Uint8Array && wasm.grammar instanceof Uint8Array))
  );
}

/** A node of a packed syntax tree and all its children (c-tree.ts). */
function isPacked(x: unknown): x is Packed {
  return (
    Array.isArray(x) &&
    x.length === 8 &&
    isString(x[0]) &&
    isInt(x[1]) &&
    (x[2] === null || isString(x[2])) &&
    isInt(x[3]) &&
    isInt(x[4]) &&
    (isInt(x[5]) || isString(x[5])) &&
    isInt(x[6]) &&
    Array.isArray(x[7]) &&
    x[7].every(isPacked)
  );
}

/** A request with every field the worker reads of the type the protocol gives it (protocol.ts). */
function isRequest(x: unknown): x is WorkerRequest {
  if (!isFields(x) || !isInt(x.id) || !isString(x.code) || !isString(x.name) || !isCProgram(x)) return false;
  if (x.type === 'sched') return Array.isArray(x.path) && x.path.every(isString);
  return (
    x.type === 'run' &&
    RUN_MODES.some((m) => m === x.mode) &&
    optional(isInt)(x.runs) &&
    optional(isInt)(x.seed) &&
    optional(isString)(x.schedule) &&
    optional(isInt)(x.maxTimeMs) &&
    optional(isBool)(x.positions) &&
    optional(isInt)(x.forkAt) &&
    optional(isBool)(x.reproduce)
  );
}

// The frame's message: the port to answer on and the request. A worker that runs a reader's program
// listens to nothing more (the frame terminates it after its answer), except that a Be-the-scheduler
// session's worker takes that program's next picks; one that runs the site's own example may be given
// the next request, with a new port. Only the frame's messages count (a program can dispatch events to
// its own global, never trusted ones), and none reaches a listener the program added: this one is the
// first capturing listener, registered before any reader code runs, and it stops the event.
const stopEvent = Event.prototype.stopImmediatePropagation;
function onRequest(e: MessageEvent<{ request?: unknown; siteCode?: unknown }>) {
  if (!e.isTrusted) return;
  apply(stopEvent, e, []);
  const siteCode = e.data?.siteCode === true;
  const req = e.data?.request;
  if (!siteCode && !(isRequest(req) && req.type === 'sched')) self.removeEventListener('message', onRequest, true);
  port = e.ports[0] ?? null;
  notices = 0;
  if (!isRequest(req)) return;
  current = req.id;
  beat('loading');
  cProgram = null;
  const serve = () => (req.type === 'run' ? run(req) : schedule(req));
  // A C program is compiled first; Be the scheduler's live session already holds its program.
  const live = req.type === 'sched' && session?.code === req.code && session.name === req.name;
  if (req.lang !== 'c' || live) return serve();
  void compileRequest(req).then((ok) => ok && serve());
}

/**
 * Compiles the request's C source with sim/c: from the tree packed at build time when the request
 * brings one (an unedited example), else with tree-sitter from the wasm bytes the page sent. A compile
 * error is the answer, with its line and column for the editor.
 */
async function compileRequest(req: WorkerRequest): Promise<boolean> {
  try {
    let parse: ((text: string) => Promise<ReturnType<typeof unpackTree>>) | undefined;
    if (typeof req.tree === 'string') {
      const packed: unknown = JSON.parse(req.tree);
      if (!isPacked(packed)) throw new Error('the C program came with a syntax tree of no known shape');
      parse = (text) => Promise.resolve(unpackTree(packed, text));
    } else {
      const wasm = req.wasm;
      if (!(wasm?.runtime instanceof Uint8Array) || !(wasm.grammar instanceof Uint8Array))
        throw new Error('the C parser was not sent with this program');
      provideWasm(() => Promise.resolve(wasm));
    }
    const file = `${req.name || 'program'}.c`;
    const plain = await compileC(req.code, file, parse);
    if (!plain.ok) {
      const { line, column, message } = plain.error;
      post({ type: 'error', id: req.id, phase: 'load', message, line, column }, true);
      return false;
    }
    const tracked = req.type === 'run' && req.positions ? await compileC(req.code, file, parse, { track: true }) : null;
    cProgram = { plain: plain.program, tracked: tracked?.ok ? tracked.program : null };
    return true;
  } catch (e) {
    post({ type: 'error', id: req.id, phase: 'load', message: errorMessage(e) }, true);
    return false;
  }
}
self.addEventListener('message', onRequest, true);

lockdown([forklore]);
