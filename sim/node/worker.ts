// The worker thread that checks program files, one at a time. A TypeScript program's code runs in a
// fresh QuickJS runtime (WebAssembly: no Node API, no file, no network, no process; its own heap with
// a memory limit and an interrupt at the deadline); the world and the explorer run here, in V8, and
// drive the program's generators across the boundary one resume at a time (sim/node/remote.ts). A C
// program is data: sim/c interprets it here, in this worker, which the command terminates at the
// deadline and whose heap is capped. Either way the only thing sent back is a JSON string (or why
// there is none).
//
// The worker gets ready before its first job arrives, while the command reads and compiles the file:
// for TypeScript it compiles QuickJS's WebAssembly and evaluates the program library in a new runtime
// (the sandbox that the next program, and only it, will run in); for C it loads the C front end and its
// parser. After a TypeScript job it prepares the next sandbox when the command says more files follow.
import { readFileSync } from 'node:fs';
import { createRequire, flushCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { explore } from '../explore/index.ts';
import { DEFAULTS, search } from '../explore/search.ts';
import { createRun } from '../world/index.ts';
import type { ExploreOptions, Program, ProgramOptions } from '../types.ts';
import { Sandboxed } from './remote.ts';
import { resolveModel, type Model } from './model.ts';
import { reproduce } from '../reproduce/index.ts';
import { readReplayHeaders } from '../reproduce/headers.ts';
import type { Phase, WorkerJob, WorkerReply, WorkerStart } from './protocol.ts';

const post = (m: WorkerReply) => parentPort!.postMessage(m);

/** QuickJS's own stack limit: far below both the worker's native stack and emscripten's 5 MB stack. */
const QUICKJS_STACK = 1 << 20;

let wasm: Promise<WebAssembly.Module> | undefined;
let sandboxScript: string | undefined;

/** QuickJS's WebAssembly, compiled once per worker (each sandbox gets its own instance and memory). */
function quickjsWasm(): Promise<WebAssembly.Module> {
  wasm ??= WebAssembly.compile(
    readFileSync(createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')),
  );
  return wasm;
}

/** A QuickJS runtime with the program library evaluated in it, for one program. */
interface Sandbox {
  memoryMb: number;
  vm: QuickJSContext;
  /** The sandbox's { load, call } (sim/node/sandbox-entry.ts), or what evaluating it threw. */
  checker: { value: QuickJSHandle } | { error: unknown };
  /** The interrupt handler stops the runtime once Date.now() passes this. */
  clock: { deadline: number };
}

async function newSandbox(memoryMb: number): Promise<Sandbox> {
  // The WebAssembly memory itself cannot grow past the limit (plus room for QuickJS's own data and
  // its 5 MB stack), so the cap holds even for allocations QuickJS's accounting does not see.
  const pages = (mb: number) => mb * 16;
  const wasmMemory = new WebAssembly.Memory({ initial: pages(16), maximum: pages(memoryMb + 32) });
  // The wasm compiles while the modules load; they are imported here, so that a worker that checks C
  // never loads them.
  const wasmModule = quickjsWasm();
  const [{ newQuickJSWASMModuleFromVariant, newVariant }, { default: releaseSync }] = await Promise.all([
    import('quickjs-emscripten-core'),
    import('@jitl/quickjs-wasmfile-release-sync'),
  ]);
  const variant = newVariant(releaseSync, { wasmModule: await wasmModule, wasmMemory });
  const quickjs = await newQuickJSWASMModuleFromVariant(variant);
  const rt = quickjs.newRuntime();
  rt.setMemoryLimit(memoryMb * 1024 * 1024);
  rt.setMaxStackSize(QUICKJS_STACK);
  const clock = { deadline: Number.POSITIVE_INFINITY };
  rt.setInterruptHandler(() => Date.now() > clock.deadline);
  const vm = rt.newContext();
  // build/cli/sandbox.js, beside this file: the program library and its entry, which freezes the realm.
  sandboxScript ??= readFileSync(new URL('sandbox.js', import.meta.url), 'utf8');
  const r = vm.evalCode(sandboxScript, 'forklore-sandbox.js');
  const checker = r.error ? { error: vm.dump(r.error) as unknown } : { value: r.value };
  r.error?.dispose();
  return { memoryMb, vm, checker, clock };
}

/** The sandbox the next TypeScript job runs in, being prepared (or ready). */
let nextSandbox: Promise<Sandbox> | null = null;

function prepareSandbox(memoryMb: number): void {
  nextSandbox = newSandbox(memoryMb);
  // A failure is the job's to report, when it takes this sandbox.
  nextSandbox.catch(() => {});
}

async function takeSandbox(memoryMb: number): Promise<Sandbox> {
  const ready = nextSandbox;
  nextSandbox = null;
  if (ready) {
    const sb = await ready;
    if (sb.memoryMb === memoryMb) return sb;
  }
  return newSandbox(memoryMb);
}

async function checkTs(job: Extract<WorkerJob, { kind: 'ts' }>): Promise<void> {
  const { vm, checker, clock } = await takeSandbox(job.memoryMb);
  let phase: Phase = 'load';
  const stopped = (e: unknown): WorkerReply | null => {
    const text = JSON.stringify(e) ?? '';
    if (Date.now() > clock.deadline || /interrupted/.test(text)) return { type: 'stopped', what: 'time', phase };
    if (/out of memory/i.test(text)) return { type: 'stopped', what: 'memory', phase };
    if (/stack overflow/i.test(text) && phase === 'load') return null; // the program's own recursion: a load error
    return null;
  };
  // The checker: froze the realm, gave { load, call }.
  if ('error' in checker) {
    post(
      stopped(checker.error) ?? {
        type: 'failed',
        message: `the sandbox did not start: ${JSON.stringify(checker.error)}`,
      },
    );
    return;
  }
  // The clock starts now, with the program's first line: the command's own start-up does not count.
  clock.deadline = Date.now() + job.timeMs;
  post({ type: 'phase', phase: 'load' });
  // The program: compiling a function expression runs none of its code.
  const fn = vm.evalCode(`(function (require, module, exports) {\n${job.code}\n})`, 'program.js');
  if (fn.error) {
    const e: unknown = vm.dump(fn.error);
    post(
      stopped(e) ?? {
        type: 'answer',
        json: JSON.stringify({
          kind: 'load-error',
          message: String((e as { message?: unknown } | null)?.message ?? e),
          stack: typeof (e as { stack?: unknown } | null)?.stack === 'string' ? (e as { stack: string }).stack : '',
        }),
      },
    );
    return;
  }
  const req = JSON.parse(job.request) as Request;
  const load = vm.getProp(checker.value, 'load');
  const call = vm.getProp(checker.value, 'call');
  // The sandbox needs only the step budget (the library counts instant calls against it).
  const request = vm.newString(
    JSON.stringify({ options: { maxSteps: req.options?.maxSteps ?? DEFAULTS.maxSteps }, name: req.name }),
  );
  const loaded = vm.callFunction(load, vm.undefined, fn.value, request);
  if (loaded.error) {
    const e: unknown = vm.dump(loaded.error);
    post(stopped(e) ?? { type: 'failed', message: `loading the program failed: ${JSON.stringify(e)}` });
    return;
  }
  if (vm.typeof(loaded.value) !== 'string') {
    post({ type: 'failed', message: 'the sandbox answered with something other than a string' });
    return;
  }
  const json = vm.getString(loaded.value);
  let answer: { kind?: unknown; main?: unknown; options?: unknown };
  try {
    answer = JSON.parse(json) as typeof answer;
  } catch {
    post({ type: 'failed', message: 'the sandbox answered with something other than JSON' });
    return;
  }
  if (answer?.kind !== 'loaded') {
    post(limitReached(json, 'load') ?? { type: 'answer', json });
    return;
  }
  phase = 'search';
  post({ type: 'phase', phase });
  // The world and the explorer run here, in V8; the program's generators stay in QuickJS.
  const sb = new Sandboxed(vm, call, clock);
  const fileRecord: Record<string, unknown> = {};
  const given = answer.options;
  if (given && typeof given === 'object' && !Array.isArray(given)) {
    for (const key of ['libc', 'strict', 'plash', 'futex', 'stdout']) {
      const v = (given as Record<string, unknown>)[key];
      fileRecord[key] = v === undefined || typeof v === 'string' || typeof v === 'boolean' ? v : '(not a plain value)';
    }
  }
  let reply: WorkerReply;
  try {
    const main = sb.main(answer.main);
    const { model, source, ignored } = resolveModel(fileRecord, req.model ?? {});
    const program: Program = { main: main as Program['main'], options: { ...model }, name: String(req.name) };
    const options: ExploreOptions = { ...req.options };
    const maxSteps = options.maxSteps ?? DEFAULTS.maxSteps;
    // Between executions: stop once a limit was reached (the search's answer is then not a verdict).
    options.onProgress = () => sb.stopped === null && Date.now() <= clock.deadline;
    const report = search(() => {
      sb.newExecution();
      return createRun(program, { maxSteps });
    }, options);
    reply = { type: 'answer', json: plainJson({ kind: 'report', report, model, source, ignored }) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    reply = {
      type: 'answer',
      json: JSON.stringify(
        e instanceof Error && e.name === 'ReplayDivergedError'
          ? { kind: 'bad-input', message }
          : { kind: 'crash', message },
      ),
    };
  }
  if (sb.stopped !== null || Date.now() > clock.deadline) {
    post({ type: 'stopped', what: sb.stopped ?? 'time', phase });
    return;
  }
  post(limitReached(reply.json, 'search') ?? reply);
  // No dispose: the runtime's WebAssembly memory goes with the last reference to it.
}

/** Serialises a report: functions (thread arguments) become their names, bigints strings. */
function plainJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'function'
      ? `[function ${(v as { name: string }).name || 'anonymous'}]`
      : typeof v === 'bigint'
        ? String(v)
        : v,
  );
}

/**
 * QuickJS's memory limit and deadline surface as InternalErrors ("out of memory", "interrupted")
 * thrown wherever the program was, and the program's code or the world may catch them and carry on:
 * as a load error, or as an exception in a thread that the world reports as an 'error' finding.
 * Either means the limit was reached, and the file gets no verdict.
 */
function limitReached(json: string, phase: Phase): WorkerReply | null {
  let a: { kind?: unknown; message?: unknown; report?: { findings?: { kind?: unknown; message?: unknown }[] } };
  try {
    a = JSON.parse(json) as typeof a;
  } catch {
    return null;
  }
  const messages: unknown[] = [
    a.message,
    ...(a.report?.findings ?? []).filter((f) => f.kind === 'error').map((f) => f.message),
  ];
  for (const m of messages) {
    if (typeof m !== 'string') continue;
    if (/(^|: )(InternalError: )?out of memory( \(|$)/.test(m)) return { type: 'stopped', what: 'memory', phase };
    if (/(^|: )(InternalError: )?interrupted( \(|$)/.test(m)) return { type: 'stopped', what: 'time', phase };
    if (/(^|: )(InternalError: )?stack overflow( \(|$)/.test(m) && phase === 'search' && a.kind !== 'report')
      return { type: 'stopped', what: 'stack', phase };
  }
  return null;
}

interface Request {
  options: Omit<ExploreOptions, 'onProgress'>;
  model: Partial<Model>;
  name: string;
  reproduce?: { schedule: string };
}

/** A C program: compiled and explored here (it is interpreted: data, never code). */
async function checkC(job: Extract<WorkerJob, { kind: 'c' }>): Promise<void> {
  const req = JSON.parse(job.request) as Request;
  post({ type: 'phase', phase: 'load' });
  const { compileC, includeBeside } = await cFrontEnd();
  const loaded = await compileC(job.source, job.file, undefined, { include: includeBeside(job.file) });
  if (!loaded.ok) {
    post({
      type: 'answer',
      json: JSON.stringify({
        kind: 'load-error',
        message: loaded.error.message,
        line: loaded.error.line,
        column: loaded.error.column,
        stack: '',
      }),
    });
    return;
  }
  const fileOptions = loaded.program.options as ProgramOptions & Record<string, unknown>;
  const { model, source, ignored } = resolveModel(fileOptions, req.model);
  const program = { ...loaded.program, options: { ...model }, name: req.name };
  post({ type: 'phase', phase: 'search' });
  if (req.reproduce) return reproduceC(program, job, req.reproduce.schedule, req.options);
  try {
    // The command terminates this worker at the deadline; the search needs no clock of its own.
    const report = explore(program, { ...req.options });
    post({
      type: 'answer',
      json: JSON.stringify({ kind: 'report', report, model, source, ignored }, (_k, v: unknown) =>
        typeof v === 'function' ? `[function ${(v as { name?: string }).name || 'anonymous'}]` : v,
      ),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    post({
      type: 'answer',
      json: JSON.stringify(
        e instanceof Error && e.name === 'ReplayDivergedError'
          ? { kind: 'bad-input', message }
          : { kind: 'crash', message },
      ),
    });
  }
}

/**
 * `forklore reproduce`: the forced replay of `schedule`, or of the first finding of the search.
 * sim/reproduce replays the schedule in the model and writes C text; nothing is compiled or run.
 */
function reproduceC(
  program: Parameters<typeof explore>[0],
  job: Extract<WorkerJob, { kind: 'c' }>,
  schedule: string,
  options: Request['options'],
): void {
  let finding = 'the given schedule';
  if (schedule === '') {
    // A search, not a replay: the strategy given for the replay is left out (dpor by default).
    const { strategy, ...search } = options;
    const report = explore(program, strategy === 'replay' ? search : options);
    const f = report.findings.find((x) => x.kind === 'deadlock') ?? report.findings[0];
    if (!f) {
      post({
        type: 'answer',
        json: JSON.stringify({
          kind: 'bad-input',
          message: `the check finds no counterexample (verdict ${report.verdict}${report.completeness.complete ? '' : ', search incomplete'}): nothing to reproduce`,
        }),
      });
      return;
    }
    schedule = f.schedule;
    finding = `the first ${f.kind} the check finds`;
  }
  try {
    const name = job.file.split(/[\\/]/).pop()!.replace(/\.c$/, '');
    // Self-contained (the headers inlined), as the page's download: gcc -pthread alone compiles it.
    const rep = reproduce(program, schedule, job.source, name, readReplayHeaders());
    post({
      type: 'answer',
      json: JSON.stringify({
        kind: 'reproducer',
        source: rep.source,
        schedule: rep.schedule,
        given: schedule,
        finding,
        notForceable: rep.notForceable,
        caveats: rep.caveats,
      }),
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    post({
      type: 'answer',
      json: JSON.stringify({ kind: /does not fit the program/.test(message) ? 'bad-input' : 'crash', message }),
    });
  }
}

let cLoaded: Promise<typeof import('forklore:c')> | undefined;

/** The C front end (build/cli/c.mjs), loaded once; its parser's WebAssembly is started with it. */
function cFrontEnd(): Promise<typeof import('forklore:c')> {
  cLoaded ??= import('forklore:c').then(async (c) => {
    // Parsing nothing starts tree-sitter (its runtime and the C grammar); a failure here is the
    // job's compile error to report, from compileC itself.
    await c.parseC('').catch(() => {});
    return c;
  });
  return cLoaded;
}

// Ready before the first job: the kind of file the command is about to send.
const start = workerData as WorkerStart | undefined;
// Once ready, the code V8 compiled for the modules is written to the command's compile cache (when
// bin/forklore.mjs set one): a worker is terminated, or ends with the process, without writing it.
const flush = () => flushCompileCache?.();
if (start?.kind === 'ts') {
  prepareSandbox(start.memoryMb);
  nextSandbox!.then(flush, () => {});
} else if (start?.kind === 'c') void cFrontEnd().then(flush, () => {});

// One job per message: the command may hand a worker that answered a TypeScript file the next one.
parentPort!.on('message', (job: WorkerJob) => {
  (job.kind === 'ts' ? checkTs(job) : checkC(job))
    .catch((e: unknown) => {
      post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    })
    .finally(() => {
      if (job.kind === 'ts' && job.more) prepareSandbox(job.memoryMb);
    });
});
