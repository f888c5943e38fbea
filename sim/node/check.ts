// Checks one program file for the command: compiles it on this side (esbuild's transform, which only
// reads the text it is given and runs none of it), then runs it in a worker thread that holds the
// sandbox, under a wall-clock deadline and a memory cap that always hold (the worker is terminated
// when they are passed). Only a JSON string comes back, and it is validated before it is believed.
import type { Message } from 'esbuild';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ExploreOptions } from '../types.ts';
import type { Model } from './model.ts';
import type { Phase, WorkerJob, WorkerReply, WorkerStart } from './protocol.ts';
import { decodeMappings, originalPosition } from './source-map.ts';
import { parseAnswer, type Answer } from './validate.ts';

export interface Limits {
  /** Wall-clock limit for the whole check of one file (loading and searching), in milliseconds. */
  timeMs: number;
  /** Memory for the program and the simulator, in MiB. */
  memoryMb: number;
}

export const DEFAULT_LIMITS: Limits = { timeMs: 60_000, memoryMb: 512 };

export interface CheckRequest {
  options: Omit<ExploreOptions, 'onProgress'>;
  model: Partial<Model>;
  name: string;
  /** `forklore reproduce`: answer with the forced replay of this schedule ('' for the first finding). */
  reproduce?: { schedule: string };
}

export type Outcome =
  | Extract<Answer, { kind: 'report' | 'bad-input' | 'crash' | 'reproducer' }>
  | { kind: 'load-error'; line: number; column: number; message: string }
  | { kind: 'stopped'; what: 'time' | 'memory' | 'stack'; phase: Phase | 'start' }
  | { kind: 'failed'; message: string };

/** How long the worker may take to start before the program's clock starts. */
const STARTUP_MS = 30_000;
/** How long after its deadline a sandbox that has not stopped itself is terminated. */
const GRACE_MS = 2_000;

/** Files larger than this are refused unread. */
export const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

const here = new URL('.', import.meta.url);
/** build/cli/, whether this module runs from there (the built command) or from sim/node/ (tests). */
const BUILD_DIR = here.pathname.endsWith('/build/cli/') ? here : new URL('../../build/cli/', import.meta.url);

/** esbuild's API, imported when the first TypeScript file is compiled (its service starts then). */
let esbuild: Promise<typeof import('esbuild')> | undefined;

/** Compiles TypeScript to CommonJS with a source map; a syntax error comes back as a position. */
async function compileTs(
  source: string,
  file: string,
): Promise<{ code: string; map: number[][][] } | { line: number; column: number; message: string }> {
  try {
    esbuild ??= import('esbuild');
    const out = await (
      await esbuild
    ).transform(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'es2022',
      sourcemap: 'external',
      sourcefile: file,
      tsconfigRaw: {},
      logLevel: 'silent',
    });
    const map = JSON.parse(out.map) as { mappings: string };
    return { code: out.code, map: decodeMappings(map.mappings) };
  } catch (e) {
    const m = (e as { errors?: Message[] }).errors?.[0];
    return {
      line: m?.location?.line ?? 1,
      column: (m?.location?.column ?? 0) + 1,
      message: m?.text ?? (e instanceof Error ? e.message : String(e)),
    };
  }
}

/** Where in the student's file a load error was thrown: the first program.js frame of its stack. */
function loadPosition(stack: string, map: number[][][] | null): { line: number; column: number } {
  const m = /program\.js:(\d+)(?::(\d+))?/.exec(stack);
  if (!m || !map) return { line: 1, column: 1 };
  // The program's code starts on line 2 of program.js, after the wrapper's first line.
  return originalPosition(map, Number(m[1]) - 1, Number(m[2] ?? 1)) ?? { line: 1, column: 1 };
}

/**
 * Workers kept between files of one command. A worker that answered a TypeScript file is used again
 * for the next file: its isolate, its modules and the compiled QuickJS code are ready, and each file
 * still gets a QuickJS runtime of its own (a fresh WebAssembly memory: nothing of one program is left
 * for the next). A worker that ran a C program (interpreted in the worker's own heap), that was stopped
 * or that failed is terminated, as before. An idle worker does not keep the command alive.
 */
const idle: { worker: Worker; memoryMb: number }[] = [];

function acquireWorker(limits: Limits, kind: WorkerStart['kind']): Worker {
  const i = idle.findIndex((w) => w.memoryMb === limits.memoryMb);
  if (i >= 0) {
    const { worker } = idle.splice(i, 1)[0]!;
    worker.ref();
    return worker;
  }
  const worker = new Worker(new URL('worker.mjs', BUILD_DIR), {
    // The worker's own heap (the C interpreter; the answer's text) is capped; QuickJS's heap is
    // WebAssembly memory, capped by its own limit. A large native stack keeps QuickJS's limit the
    // one that is reached. The young generation is capped too: V8 grows it to 64 MB per
    // semi-space while a long search allocates, which is most of a search's peak (issue 13's
    // 200 MB), for a few per cent of speed.
    resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb + 64, maxYoungGenerationSizeMb: 24, stackSizeMb: 32 },
    // What to get ready for while the file is read and compiled (sim/node/worker.ts).
    workerData: { kind, memoryMb: limits.memoryMb } satisfies WorkerStart,
    stdout: true,
    stderr: true,
  });
  // Heard from the start, so that a worker that fails before its job is posted (while the file
  // compiles, or idle) is an answer for that job and never an unhandled 'error'; an idle worker that
  // goes away is not handed out again.
  worker.on('error', (e: unknown) => {
    if (!gone.has(worker)) gone.set(worker, e instanceof Error ? e : new Error(String(e)));
  });
  worker.on('exit', () => {
    if (!gone.has(worker)) gone.set(worker, new Error('the worker exited without an answer'));
    const k = idle.findIndex((w) => w.worker === worker);
    if (k >= 0) idle.splice(k, 1);
  });
  return worker;
}

/** Workers that failed or exited, with why. */
const gone = new WeakMap<Worker, Error>();

function releaseWorker(worker: Worker, limits: Limits, reuse: boolean): void {
  if (!reuse) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idle.push({ worker, memoryMb: limits.memoryMb });
}

function runWorker(
  worker: Worker,
  job: WorkerJob,
  limits: Limits,
): Promise<{ reply: WorkerReply | null; phase: Phase | 'start'; timedOut: boolean; error?: Error | undefined }> {
  return new Promise((done) => {
    const lost = gone.get(worker);
    if (lost) return done({ reply: null, phase: 'start', timedOut: false, error: lost });
    let phase: Phase | 'start' = 'start';
    let finished = false;
    const finish = (reply: WorkerReply | null, timedOut: boolean, error?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      releaseWorker(worker, limits, job.kind === 'ts' && reply?.type === 'answer');
      done({ reply, phase, timedOut, error });
    };
    // The backstop: the sandbox interrupts itself at its deadline; this holds even if it does not.
    // Until the program starts, the worker's start-up gets a generous allowance of its own.
    let timer = setTimeout(() => finish(null, true), job.timeMs + STARTUP_MS);
    const onMessage = (m: WorkerReply) => {
      if (m.type !== 'phase') return finish(m, false);
      if (phase === 'start') {
        clearTimeout(timer);
        timer = setTimeout(() => finish(null, true), job.timeMs + GRACE_MS);
      }
      phase = m.phase;
    };
    const onError = (e: unknown) => finish(null, false, e instanceof Error ? e : new Error(String(e)));
    const onExit = () => finish(null, false, new Error('the worker exited without an answer'));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}

/**
 * Checks one file. Never throws for anything the file contains. `more`: other files follow in this
 * command, so a worker kept for the next one prepares its sandbox as soon as it has answered.
 */
export async function checkFile(
  file: string,
  request: CheckRequest,
  limits: Limits,
  { more = false }: { more?: boolean } = {},
): Promise<Outcome> {
  const isC = /\.c$/i.test(file);
  // The worker starts (and gets its sandbox or the C front end ready) while the file is read and compiled.
  const worker = acquireWorker(limits, isC ? 'c' : 'ts');
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    releaseWorker(worker, limits, false);
    throw e;
  }
  let map: number[][][] | null = null;
  let job: WorkerJob;
  if (isC) {
    job = { kind: 'c', source, file, request: JSON.stringify(request), timeMs: limits.timeMs };
  } else {
    const compiled = await compileTs(source, file);
    if (!('code' in compiled)) {
      releaseWorker(worker, limits, true);
      return { kind: 'load-error', ...compiled };
    }
    map = compiled.map;
    job = {
      kind: 'ts',
      code: compiled.code,
      request: JSON.stringify(request),
      memoryMb: limits.memoryMb,
      timeMs: limits.timeMs,
      more,
    };
  }
  const { reply, phase, timedOut, error } = await runWorker(worker, job, limits);
  if (timedOut) return { kind: 'stopped', what: 'time', phase };
  if (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') return { kind: 'stopped', what: 'memory', phase };
    if (error instanceof RangeError && /call stack/i.test(error.message))
      return { kind: 'stopped', what: 'stack', phase };
    return { kind: 'failed', message: error.message };
  }
  if (!reply || reply.type === 'phase') return { kind: 'failed', message: 'no answer' };
  if (reply.type === 'stopped') return { kind: 'stopped', what: reply.what, phase: reply.phase };
  if (reply.type === 'failed') return { kind: 'failed', message: reply.message };
  let answer: Answer;
  try {
    answer = parseAnswer(reply.json);
  } catch (e) {
    return { kind: 'failed', message: (e as Error).message };
  }
  if (answer.kind === 'load-error') {
    const pos =
      answer.line !== undefined ? { line: answer.line, column: answer.column ?? 1 } : loadPosition(answer.stack, map);
    return { kind: 'load-error', ...pos, message: answer.message };
  }
  if (answer.kind === 'report' && map) {
    // Positions in the compiled program (program.js:LINE:COL) are shown as positions in the file.
    const m = map;
    const where = (text: string) =>
      text.replace(/\bprogram\.js:(\d+)(?::(\d+))?/g, (_all, l: string, c: string | undefined) => {
        const pos = originalPosition(m, Number(l) - 1, Number(c ?? 1));
        return pos ? `${file}:${pos.line}:${pos.column}` : _all;
      });
    for (const f of answer.report.findings) f.message = where(f.message);
    answer.report.notes = answer.report.notes.map(where);
  }
  return answer;
}
