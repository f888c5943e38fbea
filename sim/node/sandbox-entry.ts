// The checker inside the sandbox: this file, with the simulator, is bundled once into one script that
// runs in a QuickJS (WebAssembly) realm where no Node API exists. Evaluating the script freezes the
// realm (lockdown.ts) and yields two functions: load(programFn, requestJson), called once with the
// program's compiled code (a function of require, module, exports), and run(), which explores it and
// returns one JSON string: the report, or why it failed. Nothing else leaves the sandbox.
import * as api from '../api/index.ts';
import { INSTANT_OPS } from '../api/ops.ts';
import { explore, DEFAULTS } from '../explore/index.ts';
import type { ExploreOptions, Program } from '../types.ts';
import { harden, lockdown } from './lockdown.ts';
import { resolveModel, type Model } from './model.ts';

// eslint-disable-next-line no-shadow-restricted-names -- the sandbox's global, typed as the bag it is
declare const globalThis: Record<string, unknown>;

/** What the host sends: the search options (numbers and strings only) and the command line's model. */
export interface SandboxRequest {
  options: Omit<ExploreOptions, 'onProgress'>;
  model: Partial<Model>;
  name: string;
}

// The simulator reads performance.now(); QuickJS has only Date.
if (typeof globalThis.performance === 'undefined') {
  const now = Date.now;
  globalThis.performance = { now: () => now() };
}

/**
 * Library calls the world answers inside the current step (getpid, gettid, getppid, pthread_self, and
 * the enter/leave marks around libc functions) take no step, so the step budget would not see a loop
 * of them. The program's library counts them: more than maxSteps of them in a row, with no step in
 * between, end the execution with an error, as maxSteps does for steps.
 */
let instantRun = 0;
let instantLimit: number = DEFAULTS.maxSteps;

type AnyGen = Generator<unknown, unknown, unknown>;

function counted(f: (...args: unknown[]) => AnyGen): (...args: unknown[]) => AnyGen {
  const wrapped = function* (this: unknown, ...args: unknown[]): AnyGen {
    const it = f.apply(this, args);
    let r = it.next();
    for (;;) {
      if (r.done) return r.value;
      const o = r.value as { k?: unknown } | null;
      if (o && typeof o === 'object' && typeof o.k === 'string' && INSTANT_OPS.has(o.k)) {
        if (++instantRun > instantLimit) {
          throw new Error(
            `made ${instantLimit} library calls in a row that take no step (getpid, gettid, getppid, pthread_self...): a loop that never ends? Each counts against --max-steps`,
          );
        }
      } else instantRun = 0;
      r = it.next(yield o);
    }
  };
  Object.defineProperty(wrapped, 'name', { value: f.name });
  return wrapped;
}

function programApi(): Record<string, unknown> {
  const GeneratorFunction = Object.getPrototypeOf(function* () {}) as object;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(api)) {
    out[key] =
      typeof value === 'function' && Object.getPrototypeOf(value) === GeneratorFunction
        ? counted(value as (...a: unknown[]) => AnyGen)
        : value;
  }
  return Object.freeze(out);
}

const PROGRAM_API = programApi();
const GENERATOR_FUNCTION = Object.getPrototypeOf(function* () {}) as object;
const stringify = JSON.stringify;
const parse = JSON.parse;

function describe(e: unknown): { message: string; stack: string } {
  try {
    if (e instanceof Error) {
      const name = String(e.name);
      return { message: `${name === 'Error' ? '' : name + ': '}${String(e.message)}`, stack: String(e.stack ?? '') };
    }
    return { message: `the program threw ${String(e)}`, stack: '' };
  } catch {
    return { message: 'the program threw a value that cannot be described', stack: '' };
  }
}

/** Serialises a report: functions (thread arguments) become their names, bigints strings. */
function plain(value: unknown): string {
  return stringify(value, (_k, v: unknown) =>
    typeof v === 'function'
      ? `[function ${(v as { name: string }).name || 'anonymous'}]`
      : typeof v === 'bigint'
        ? String(v)
        : v,
  );
}

let loaded: {
  program: Program;
  model: Model;
  source: unknown;
  ignored: string[];
  options: SandboxRequest['options'];
} | null = null;
let loadCalled = false;
let runCalled = false;

/**
 * Evaluates the program's top-level code and reads its exports. Returns null when it loaded, or the
 * JSON of why it could not (kind 'load-error').
 */
function load(programFn: unknown, requestJson: unknown): string | null {
  if (loadCalled) throw new Error('the checker loads one program per sandbox');
  loadCalled = true;
  const req = parse(String(requestJson)) as SandboxRequest;
  const module: { exports: unknown } = { exports: {} };
  const require = (spec: unknown) => {
    if (spec === 'forklore') return PROGRAM_API;
    throw new Error(`a program can import only 'forklore' (this one imports '${String(spec)}')`);
  };
  let main: unknown;
  let fileOptions: unknown;
  try {
    if (typeof programFn !== 'function') throw new Error('no program');
    (programFn as (...args: unknown[]) => void)(require, module, module.exports);
    const exports = module.exports as Record<string, unknown>;
    main = exports.default;
    fileOptions = exports.options;
  } catch (e) {
    return stringify({ kind: 'load-error', ...describe(e) });
  }
  if (typeof main !== 'function') {
    return stringify({
      kind: 'load-error',
      message: 'the program has no default export: export default function* main() { ... }',
      stack: '',
    });
  }
  if (Object.getPrototypeOf(main) !== GENERATOR_FUNCTION) {
    return stringify({
      kind: 'load-error',
      message:
        'the default export must be a generator function (function*, not async): export default function* main() { ... }',
      stack: '',
    });
  }
  const fileRecord: Record<string, unknown> = {};
  try {
    if (fileOptions && typeof fileOptions === 'object') {
      for (const key of ['libc', 'strict', 'plash', 'futex', 'stdout']) {
        const v = (fileOptions as Record<string, unknown>)[key];
        fileRecord[key] =
          v === undefined || typeof v === 'string' || typeof v === 'boolean' ? v : '(not a plain value)';
      }
    }
  } catch (e) {
    return stringify({
      kind: 'load-error',
      message: `reading the program's options threw: ${describe(e).message}`,
      stack: '',
    });
  }
  const { model, source, ignored } = resolveModel(fileRecord, req.model ?? {});
  const program: Program = { main: main as Program['main'], options: { ...model }, name: String(req.name) };
  loaded = { program, model, source, ignored, options: req.options ?? {} };
  return null;
}

/** Explores the loaded program; returns the JSON of the report (kind 'report') or of the failure. */
function run(): string {
  if (runCalled || !loaded) throw new Error('the checker runs one search per sandbox, after load');
  runCalled = true;
  const { program, model, source, ignored, options } = loaded;
  instantLimit = options.maxSteps ?? DEFAULTS.maxSteps;
  try {
    const report = explore(program, { ...options });
    return plain({ kind: 'report', report, model, source, ignored });
  } catch (e) {
    const { message } = describe(e);
    if (e instanceof Error && e.name === 'ReplayDivergedError') return stringify({ kind: 'bad-input', message });
    return stringify({ kind: 'crash', message });
  }
}

lockdown(globalThis);
// The library's objects (constants such as SIGNUM, the libc lock table, classes) are shared by the
// program and the world: frozen too, so that a program cannot change what the world reads.
harden([api, PROGRAM_API]);

// Bundled as CommonJS; the host's wrapper returns this export as the script's completion value.
export default Object.freeze({ load, run });
