// The worker thread that checks program files, one at a time. A TypeScript program runs in a fresh
// QuickJS runtime (WebAssembly: no Node API, no file, no network, no process; its own heap with a
// memory limit and an interrupt at the deadline). A C program is data: sim/c interprets it here, in
// this worker, which the command terminates at the deadline and whose heap is capped. Either way the
// only thing sent back is a JSON string (or why there is none).
import { parentPort } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import { explore } from '../explore/index.ts';
import type { ExploreOptions, ProgramOptions } from '../types.ts';
import { resolveModel, type Model } from './model.ts';
import { reproduce } from '../reproduce/index.ts';
import { readReplayHeaders } from '../reproduce/headers.ts';
import type { Phase, WorkerJob, WorkerReply } from './protocol.ts';

const post = (m: WorkerReply) => parentPort!.postMessage(m);

/** QuickJS's own stack limit: far below both the worker's native stack and emscripten's 5 MB stack. */
const QUICKJS_STACK = 1 << 20;

async function checkTs(job: Extract<WorkerJob, { kind: 'ts' }>): Promise<void> {
  // The WebAssembly memory itself cannot grow past the limit (plus room for QuickJS's own data and
  // its 5 MB stack), so the cap holds even for allocations QuickJS's accounting does not see.
  const pages = (mb: number) => mb * 16;
  const wasmMemory = new WebAssembly.Memory({ initial: pages(16), maximum: pages(job.memoryMb + 32) });
  const variant = newVariant(releaseSync, { wasmModule: job.wasm, wasmMemory });
  const quickjs = await newQuickJSWASMModuleFromVariant(variant);
  const rt = quickjs.newRuntime();
  rt.setMemoryLimit(job.memoryMb * 1024 * 1024);
  rt.setMaxStackSize(QUICKJS_STACK);
  let deadline = Number.POSITIVE_INFINITY;
  rt.setInterruptHandler(() => Date.now() > deadline);
  const vm = rt.newContext();
  let phase: Phase = 'load';
  const stopped = (e: unknown): WorkerReply | null => {
    const text = JSON.stringify(e) ?? '';
    if (Date.now() > deadline || /interrupted/.test(text)) return { type: 'stopped', what: 'time', phase };
    if (/out of memory/i.test(text)) return { type: 'stopped', what: 'memory', phase };
    if (/stack overflow/i.test(text) && phase === 'load') return null; // the program's own recursion: a load error
    return null;
  };
  // The checker: freezes the realm, returns { load, run }.
  const checker = vm.evalCode(job.sandboxScript, 'forklore-sandbox.js');
  if (checker.error) {
    const e: unknown = vm.dump(checker.error);
    post(stopped(e) ?? { type: 'failed', message: `the sandbox did not start: ${JSON.stringify(e)}` });
    return;
  }
  // The clock starts now, with the program's first line: the command's own start-up does not count.
  deadline = Date.now() + job.timeMs;
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
  const load = vm.getProp(checker.value, 'load');
  const run = vm.getProp(checker.value, 'run');
  const request = vm.newString(job.request);
  const loaded = vm.callFunction(load, vm.undefined, fn.value, request);
  if (loaded.error) {
    const e: unknown = vm.dump(loaded.error);
    post(stopped(e) ?? { type: 'failed', message: `loading the program failed: ${JSON.stringify(e)}` });
    return;
  }
  if (vm.typeof(loaded.value) === 'string') {
    const json = vm.getString(loaded.value);
    post(limitReached(json, 'load') ?? { type: 'answer', json });
    return;
  }
  phase = 'search';
  post({ type: 'phase', phase });
  const result = vm.callFunction(run, vm.undefined);
  if (result.error) {
    const e: unknown = vm.dump(result.error);
    post(stopped(e) ?? { type: 'failed', message: `the search failed: ${JSON.stringify(e)}` });
    return;
  }
  if (vm.typeof(result.value) !== 'string') {
    post({ type: 'failed', message: 'the sandbox answered with something other than a string' });
    return;
  }
  const json = vm.getString(result.value);
  post(limitReached(json, 'search') ?? { type: 'answer', json });
  // No dispose: the runtime's WebAssembly memory goes with the last reference to it.
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
  const { compileC, includeBeside } = await import('forklore:c');
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

// One job per message: the command may hand a worker that answered a TypeScript file the next one.
parentPort!.on('message', (job: WorkerJob) => {
  (job.kind === 'ts' ? checkTs(job) : checkC(job)).catch((e: unknown) => {
    post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  });
});
