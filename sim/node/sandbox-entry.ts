// The program's side of the sandbox: this file and the program library are bundled into one script
// that runs in a QuickJS (WebAssembly) realm where no Node API exists. Only the program's code and the
// library it runs through yield* live here; the world and the explorer run in the worker's V8
// (sim/node/remote.ts), which drives each thread's generator from there, one call per resume, and
// gets the yielded operation back as JSON text (sim/node/wire.ts). Evaluating the script freezes the
// realm (lockdown.ts) and yields two functions: load(programFn, requestJson), called once with the
// program's compiled code (a function of require, module, exports), and call(request), a resume.
import * as api from '../api/index.ts';
import { INSTANT_OPS, JoinError } from '../api/ops.ts';
import { harden, lockdown } from './lockdown.ts';
import { libraryFunctions } from './wire.ts';

// eslint-disable-next-line no-shadow-restricted-names -- the sandbox's global, typed as the bag it is
declare const globalThis: Record<string, unknown>;

/** What the host sends: the step budget (maxSteps) and the program's name. */
export interface SandboxRequest {
  options?: { maxSteps?: number };
  name?: string;
}

/** The explorer's default step budget (sim/explore/search.ts DEFAULTS.maxSteps). */
const DEFAULT_MAX_STEPS = 5000;

/**
 * Library calls the world answers inside the current step (getpid, gettid, getppid, pthread_self, and
 * the enter/leave marks around libc functions) take no step, so the step budget would not see a loop
 * of them. The program's library counts them: more than maxSteps of them in a row, with no step in
 * between, end the execution with an error, as maxSteps does for steps.
 */
let instantRun = 0;
let instantLimit = DEFAULT_MAX_STEPS;

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
const isArray = Array.isArray;
const keys = Object.keys;
const defineProperty = Object.defineProperty;
const is = Object.is;
const isFinite = Number.isFinite;
const apply = Reflect.apply;
const BigInt_ = BigInt;
const Symbol_ = Symbol;

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

// ---------------------------------------------------------------- values across the boundary

/**
 * The program's functions the host has seen, by number (the host keeps one proxy for each). A number
 * names one function for as long as it lives: the table holds it weakly, and strongly only while an
 * execution may use it (inUse: every function named or started since the execution began; main
 * always), so that the closures each execution makes do not pile up execution after execution.
 */
let nextFnId = 0;
const fnIds = new WeakMap<object, number>();
const fnRefs = new Map<number, WeakRef<object>>();
const inUse = new Set<unknown>();
let pinned: unknown = null;
const LIBRARY = libraryFunctions();
const LIBRARY_NAMES = new Map<unknown, string>([...LIBRARY].map(([n, f]) => [f, n]));
const UNDEFINED = { $: 'u' };

/** Function `id`, kept for the current execution; it always exists when the host names it. */
function functionOf(id: unknown): unknown {
  const f = typeof id === 'number' ? fnRefs.get(id)?.deref() : undefined;
  if (f === undefined) throw new Error('internal: the host named a function the sandbox does not have');
  inUse.add(f);
  return f;
}

/** Executions between two sweeps of the table for functions that are gone. */
const SWEEP_EVERY = 256;
let executions = 0;

/** A new execution: the last one's generators dropped, its functions no longer held; the numbers of the gone ones. */
function newExecution(): number[] {
  gens.clear();
  inUse.clear();
  inUse.add(pinned);
  const gone: number[] = [];
  if (++executions % SWEEP_EVERY === 0) {
    for (const [id, ref] of fnRefs) {
      if (ref.deref() === undefined) {
        fnRefs.delete(id);
        gone.push(id);
      }
    }
  }
  return gone;
}

function encodeFunction(f: unknown): object {
  const lib = LIBRARY_NAMES.get(f);
  if (lib !== undefined) return { $: 'l', v: lib };
  const fo = f as object;
  let id = fnIds.get(fo);
  if (id === undefined) {
    id = nextFnId++;
    fnIds.set(fo, id);
    fnRefs.set(id, new WeakRef(fo));
  }
  inUse.add(f);
  let name = '';
  try {
    const n = (f as { name?: unknown }).name;
    if (typeof n === 'string') name = n;
  } catch {
    /* a name that throws: none */
  }
  return { $: 'f', id, name };
}

/** The copies of objects with a "$" key, already wrapped: serialised as they are. */
const wrapped = new WeakSet<object>();
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * JSON.stringify's replacer: what JSON cannot say becomes a tag (wire.ts). Native JSON.stringify does
 * the walk (an interpreted one costs several times more in QuickJS); a cycle is its TypeError.
 */
function replacer(_key: string, v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return isFinite(v) && !is(v, -0) ? v : { $: 'n', v: is(v, -0) ? '-0' : String(v) };
    case 'undefined':
      return UNDEFINED;
    case 'function':
      return encodeFunction(v);
    case 'bigint':
      return { $: 'i', v: String(v) };
    case 'symbol':
      return { $: 'y', v: String(v.description ?? '') };
    case 'object':
      break;
  }
  if (v === null || isArray(v) || wrapped.has(v)) return v;
  if (v instanceof JoinError) return { $: 'j', errno: v.errno };
  if (v instanceof Map) return { $: 'M', v: [...v] };
  if (v instanceof Set) return { $: 'S', v: [...v] };
  if (v instanceof Error) return { $: 'e', name: String(v.name), message: String(v.message) };
  if (hasOwn.call(v, '$')) {
    const copy = Object.create(null) as Record<string, unknown>;
    for (const k of keys(v)) copy[k] = (v as Record<string, unknown>)[k];
    wrapped.add(copy);
    return { $: 'o', v: copy };
  }
  return v;
}

/** The host's value (a result, a thread's arguments) as the program's: tags undone, in place. */
function decode(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decode(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  const tag = o.$;
  if (typeof tag === 'string') {
    switch (tag) {
      case 'u':
        return undefined;
      case 'n':
        return o.v === '-0' ? -0 : Number(o.v);
      case 'i':
        return BigInt_(String(o.v));
      case 'y':
        return Symbol_(String(o.v));
      case 'f':
        return functionOf(o.id);
      case 'l':
        return LIBRARY.get(String(o.v));
      case 'j':
        return new JoinError(Number(o.errno));
      case 'e': {
        const e = new Error(String(o.message));
        e.name = String(o.name);
        return e;
      }
      case 'M':
        return new Map((o.v as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
      case 'S':
        return new Set((o.v as unknown[]).map(decode));
      case 'o':
        return decodeObject(o.v as Record<string, unknown>);
    }
  }
  return decodeObject(o);
}

function decodeObject(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of keys(o)) {
    const x = decode(o[k]);
    if (k === '__proto__') defineProperty(o, k, { value: x, writable: true, enumerable: true, configurable: true });
    else o[k] = x;
  }
  return o;
}

const decodeText = (s: string): unknown => (s === '' ? undefined : s.indexOf('"$"') < 0 ? parse(s) : decode(parse(s)));
const encodeText = (v: unknown): string => (v === undefined ? '' : stringify(v, replacer));

/** An error's stack without the sandbox's own frames: the world names the program's first frame. */
function programStack(e: Error): string {
  return String(e.stack ?? '')
    .split('\n')
    .filter((line) => !line.includes('forklore-sandbox.js'))
    .join('\n');
}

function thrown(e: unknown): string {
  try {
    if (e instanceof Error)
      return `t${stringify({ error: true, name: String(e.name), message: String(e.message), stack: programStack(e) })}`;
    return `t${stringify({ error: false, message: String(e) })}`;
  } catch {
    return `t${stringify({ error: false, message: 'a value that cannot be described' })}`;
  }
}

// ---------------------------------------------------------------- generators

/** The live generators of the current execution, by number. */
const gens = new Map<
  number,
  { next(v?: unknown): unknown; throw(e?: unknown): unknown; return(v?: unknown): unknown }
>();
let nextGen = 1;

/** One request from the host (wire.ts): a thread started, a generator resumed, or a new execution. */
function call(request: unknown): string {
  const s = String(request);
  const mode = s[0];
  const sp = s.indexOf(' ');
  const id = Number(s.slice(1, sp));
  const payload = s.slice(sp + 1);
  if (mode === 'e') return `e${newExecution().join(',')}`;
  if (mode === 's') {
    try {
      const f = functionOf(id);
      if (typeof f !== 'function') throw new TypeError('not a function');
      const args = payload === '' ? [] : decodeText(payload);
      const g = apply(f, undefined, args as unknown[]) as never;
      const gid = nextGen++;
      gens.set(gid, g);
      return `g${gid}`;
    } catch (e) {
      return thrown(e);
    }
  }
  const g = gens.get(id);
  if (g === undefined) return thrown(new Error('internal: a generator of an execution that has ended was resumed'));
  let r: { done?: unknown; value?: unknown };
  try {
    const v = decodeText(payload);
    r = (mode === 'n' ? g.next(v) : mode === 'x' ? g.throw(v) : g.return(v)) as typeof r;
  } catch (e) {
    gens.delete(id);
    return thrown(e);
  }
  // After an operation the world always answers with undefined, the world resumes the generator at
  // once: it is run on to its next operation here, and the answer lists both (one per line).
  let out = '';
  for (let n = 0; ; n++) {
    let item: string;
    let more = false;
    try {
      const done = Boolean(r.done);
      const value = r.value;
      item = (done ? 'd' : 'y') + encodeText(value);
      if (done) gens.delete(id);
      else more = n < MAX_AHEAD && answeredUndefined(value);
    } catch (e) {
      gens.delete(id);
      item = thrown(e);
    }
    out = n === 0 ? item : `${out}\n${item}`;
    if (!more) return out;
    try {
      r = g.next(undefined) as typeof r;
    } catch (e) {
      gens.delete(id);
      return `${out}\n${thrown(e)}`;
    }
  }
}

/**
 * Instant operations the world answers with undefined (sim/world/ops/libc.ts instant), inside the
 * step, resuming the thread at once: the marks around libc calls, a lock reset, an atfork handler's run.
 */
const ANSWERED_UNDEFINED: ReadonlySet<unknown> = new Set(['enter', 'leave', 'reset', 'atfork_run']);
/** Operations run ahead in one call at most. */
const MAX_AHEAD = 64;

function answeredUndefined(v: unknown): boolean {
  return typeof v === 'object' && v !== null && ANSWERED_UNDEFINED.has((v as { k?: unknown }).k);
}

// ---------------------------------------------------------------- loading

let loadCalled = false;

/**
 * Evaluates the program's top-level code and reads its exports. Returns the JSON of what it found
 * (kind 'loaded': main as a function of the boundary, the file's options as plain values) or of why it
 * could not (kind 'load-error').
 */
function load(programFn: unknown, requestJson: unknown): string {
  if (loadCalled) throw new Error('the checker loads one program per sandbox');
  loadCalled = true;
  const req = parse(String(requestJson)) as SandboxRequest;
  const maxSteps = req.options?.maxSteps;
  if (typeof maxSteps === 'number') instantLimit = maxSteps;
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
  // main is started anew by every execution: held for the sandbox's life.
  pinned = main;
  return stringify({ kind: 'loaded', main: encodeFunction(main), options: fileRecord });
}

lockdown(globalThis);
// The library's objects (constants such as SIGNUM, the libc lock table, classes) are shared by the
// program and the library code it runs: frozen too, so that a program cannot change what they read.
harden([api, PROGRAM_API]);

// Bundled as CommonJS; the host's wrapper returns this export as the script's completion value.
export default Object.freeze({ load, call });
