// The world's side of the sandbox: the program's functions and generators, which live in QuickJS
// (sim/node/sandbox-entry.ts), as V8 objects the world drives as it drives its own. A program function
// is a proxy function, one per QuickJS function for the sandbox's life (the fingerprint names
// functions by identity); calling it starts the function in QuickJS and returns a RemoteGenerator,
// whose next/throw/return each make one call into QuickJS and bring back the yielded value as data.
//
// Nothing from QuickJS is trusted: what comes back is JSON text parsed here (plain data only), its
// tags checked (wire.ts), `__proto__` keys dropped, nesting bounded, and a yielded value that is not
// one of the library's operation kinds is refused before the world sees it.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { INSTANT_OPS, JoinError, type ThreadFn } from '../api/ops.ts';
import { OP_KINDS } from '../world/ops/index.ts';
import { libraryFunctions, MAX_DEPTH } from './wire.ts';

/** Why the sandbox stopped for good: a limit was reached, so the file gets no verdict. */
export type Stop = 'time' | 'memory';

const LIBRARY = libraryFunctions();
/** The instant operations the world answers with undefined (sim/world/ops/libc.ts instant). */
const ANSWERED_UNDEFINED: ReadonlySet<unknown> = new Set(['enter', 'leave', 'reset', 'atfork_run']);
const LIBRARY_NAMES = new Map<unknown, string>([...LIBRARY].map(([n, f]) => [f, n]));
const NUMBERS: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
/** A function name longer than this is cut (it is shown in reports). */
const MAX_NAME = 200;

/** The QuickJS side of one program, and the proxies of its functions. */
export class Sandboxed {
  /** Set once a limit is reached: every later call fails at once. */
  stopped: Stop | null = null;
  private readonly proxies = new Map<number, ThreadFn>();
  private readonly proxyIds = new WeakMap<object, number>();
  private epoch = 0;

  constructor(
    private readonly vm: QuickJSContext,
    private readonly callFn: QuickJSHandle,
    private readonly clock: { deadline: number },
  ) {}

  /** A new execution: the generators of the last one are dropped on the QuickJS side. */
  newExecution(): void {
    this.epoch++;
    if (this.stopped) return;
    const answer = this.request('e0 ');
    if (answer[0] !== 'e') throw new Error('the sandbox answered with something it should not have');
    // The functions QuickJS let go of (none can be named again): their proxies go too.
    if (answer.length > 1) for (const id of answer.slice(1).split(',')) this.proxies.delete(Number(id));
  }

  /** The program's main function, from load()'s answer. */
  main(encoded: unknown): ThreadFn {
    const f = this.decode(encoded, 0);
    if (typeof f !== 'function' || !this.proxyIds.has(f)) throw new Error('the sandbox named no main function');
    return f as ThreadFn;
  }

  /** One call into QuickJS; its answer as a string, or why there is none (thrown). */
  request(text: string): string {
    if (this.stopped) throw stopError(this.stopped);
    if (Date.now() > this.clock.deadline) throw this.stop('time');
    const vm = this.vm;
    const arg = vm.newString(text);
    const r = vm.callFunction(this.callFn, vm.undefined, arg);
    arg.dispose();
    if (r.error) {
      const e: unknown = vm.dump(r.error);
      r.error.dispose();
      const t = JSON.stringify(e) ?? '';
      if (Date.now() > this.clock.deadline || /interrupted/.test(t)) throw this.stop('time');
      if (/out of memory/i.test(t)) throw this.stop('memory');
      throw new Error(`the sandbox failed: ${t.slice(0, 500)}`);
    }
    // The entry answers with a string (anything else would be made one, inside QuickJS); what it
    // says is checked by whoever reads it.
    const s = vm.getString(r.value);
    r.value.dispose();
    return s;
  }

  private stop(what: Stop): Error {
    this.stopped ??= what;
    return stopError(this.stopped);
  }

  /** The proxy of QuickJS function `id`: made once, then always the same object while the function lives. */
  private proxy(id: number, name: string): ThreadFn {
    const known = this.proxies.get(id);
    if (known) return known;
    const sb = this;
    const f = function (...args: unknown[]) {
      const answer = sb.request(`s${id} ${args.length === 0 ? '' : JSON.stringify(sb.encode(args, 0))}`);
      if (answer[0] === 'g') {
        const gid = Number(answer.slice(1));
        if (!Number.isSafeInteger(gid)) throw new Error('the sandbox answered with a bad generator');
        // The world drives it as it drives a generator of its own: next, throw, return, yield*.
        return new RemoteGenerator(sb, gid, sb.epoch) as unknown as Generator<unknown, unknown, unknown>;
      }
      throw sb.thrown(answer);
    } as unknown as ThreadFn;
    Object.defineProperty(f, 'name', { value: name.slice(0, MAX_NAME) });
    this.proxies.set(id, f);
    this.proxyIds.set(f, id);
    return f;
  }

  /** Resumes generator `gen` (mode n, x or r) with `value`. */
  resume(gen: RemoteGenerator, mode: 'n' | 'x' | 'r', value: unknown): IteratorResult<unknown, unknown> {
    if (gen.epoch !== this.epoch) throw new Error('internal: a generator of an execution that has ended was resumed');
    let answer: string;
    if (gen.ahead !== null) {
      // What QuickJS already ran on to after an operation the world answers with undefined.
      if (mode !== 'n' || value !== undefined) throw new Error('internal: a generator run ahead was resumed otherwise');
      answer = gen.ahead[gen.at++]!;
      if (gen.at >= gen.ahead.length) gen.ahead = null;
    } else {
      answer = this.request(`${mode}${gen.id} ${this.encodeText(value)}`);
      if (answer.includes('\n')) {
        const items = answer.split('\n');
        answer = items[0]!;
        gen.ahead = items;
        gen.at = 1;
      }
    }
    const tag = answer[0];
    if (tag === 'y') {
      const op = checkOp(this.decodeText(answer.slice(1)));
      // Run ahead only past these (sandbox-entry.ts answeredUndefined): anything else ends the list.
      if (gen.ahead !== null && !ANSWERED_UNDEFINED.has((op as { k?: unknown } | null)?.k))
        throw new Error('internal: the sandbox ran a generator ahead past an operation it should not have');
      return { done: false, value: op };
    }
    if (tag === 'd') return { done: true, value: this.decodeText(answer.slice(1)) };
    throw this.thrown(answer);
  }

  /** What a 't' answer says was thrown, as the error the world reports (the program's message and stack). */
  private thrown(answer: string): Error {
    if (answer[0] !== 't') return new Error('the sandbox answered with something it should not have');
    let d: { error?: unknown; name?: unknown; message?: unknown; stack?: unknown };
    try {
      d = JSON.parse(answer.slice(1)) as typeof d;
    } catch {
      return new Error('the sandbox answered with something it should not have');
    }
    const message = typeof d?.message === 'string' ? d.message : '';
    if (d.error === true) {
      const name = typeof d.name === 'string' ? d.name : 'Error';
      // The memory limit and the deadline reached the program's code: no verdict.
      if (name === 'InternalError' && message === 'out of memory') return this.stop('memory');
      if (name === 'InternalError' && message === 'interrupted') return this.stop('time');
      const e = new Error(message);
      Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true });
      Object.defineProperty(e, 'stack', {
        value: typeof d.stack === 'string' ? d.stack : '',
        writable: true,
        configurable: true,
      });
      return e;
    }
    // A thrown value that is not an Error: the world reports its text (and has no position for it).
    const e = new Error(message);
    Object.defineProperty(e, 'stack', { value: '', writable: true, configurable: true });
    return e;
  }

  // ---------------------------------------------------------------- values

  private encodeText(v: unknown): string {
    if (v === undefined) return '';
    if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) return String(v);
    return JSON.stringify(this.encode(v, 0));
  }

  /** A value of the world's (a result, a thread's arguments) as wire data. */
  private encode(v: unknown, depth: number): unknown {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0) ? v : { $: 'n', v: Object.is(v, -0) ? '-0' : String(v) };
      case 'undefined':
        return { $: 'u' };
      case 'function': {
        const id = this.proxyIds.get(v);
        if (id !== undefined) return { $: 'f', id };
        const lib = LIBRARY_NAMES.get(v);
        if (lib !== undefined) return { $: 'l', v: lib };
        throw new Error(`internal: the simulator's function ${v.name || '(anonymous)'} cannot be given to the program`);
      }
      case 'bigint':
        return { $: 'i', v: String(v) };
      case 'symbol':
        return { $: 'y', v: v.description ?? '' };
      case 'object':
        break;
    }
    if (v === null) return null;
    if (depth >= MAX_DEPTH)
      throw new TypeError(`a value nested more than ${MAX_DEPTH} deep cannot be given to the program`);
    if (Array.isArray(v)) return v.map((x: unknown) => this.encode(x, depth + 1));
    if (v instanceof JoinError) return { $: 'j', errno: v.errno };
    if (v instanceof Map)
      return { $: 'M', v: [...v].map(([k, x]) => [this.encode(k, depth + 1), this.encode(x, depth + 1)]) };
    if (v instanceof Set) return { $: 'S', v: [...v].map((x) => this.encode(x, depth + 1)) };
    if (v instanceof Error) return { $: 'e', name: String(v.name), message: String(v.message) };
    const out: Record<string, unknown> = {};
    let dollar = false;
    for (const k of Object.keys(v)) {
      if (k === '__proto__') continue;
      if (k === '$') dollar = true;
      out[k] = this.encode((v as Record<string, unknown>)[k], depth + 1);
    }
    return dollar ? { $: 'o', v: out } : out;
  }

  private decodeText(s: string): unknown {
    if (s === '') return undefined;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      throw new Error('the sandbox answered with text that is not JSON');
    }
    // Plain JSON without tags and without __proto__ keys is already the value (V8's own data).
    // (Any escape in the text, which QuickJS's JSON.stringify writes only inside strings, is walked too:
    // a key spelt with one is still checked.)
    return s.includes('"$"') || s.includes('__proto__') || s.includes('\\u') ? this.decode(v, 0) : v;
  }

  /** Wire data from QuickJS as the world's values: every tag checked. */
  private decode(v: unknown, depth: number): unknown {
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= MAX_DEPTH) throw new TypeError(`a value nested more than ${MAX_DEPTH} deep came from the program`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = this.decode(v[i], depth + 1);
      return v;
    }
    const o = v as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(o, '$')) {
      const tag = o.$;
      switch (tag) {
        case 'u':
          return undefined;
        case 'n':
          if (typeof o.v === 'string' && Object.prototype.hasOwnProperty.call(NUMBERS, o.v)) return NUMBERS[o.v];
          break;
        case 'i':
          if (typeof o.v === 'string' && /^-?\d{1,4096}$/.test(o.v)) return BigInt(o.v);
          break;
        case 'y':
          return Symbol(String(o.v));
        case 'f':
          if (typeof o.id === 'number' && Number.isSafeInteger(o.id) && o.id >= 0)
            return this.proxy(o.id, typeof o.name === 'string' ? o.name : '');
          break;
        case 'l':
          if (typeof o.v === 'string' && LIBRARY.has(o.v)) return LIBRARY.get(o.v);
          break;
        case 'j':
          if (typeof o.errno === 'number') return new JoinError(o.errno);
          break;
        case 'e': {
          const e = new Error(String(o.message));
          e.name = String(o.name);
          return e;
        }
        case 'M':
          if (Array.isArray(o.v))
            return new Map(
              o.v.map((p: unknown) => {
                if (!Array.isArray(p) || p.length !== 2) throw new TypeError('a bad Map came from the program');
                return [this.decode(p[0], depth + 1), this.decode(p[1], depth + 1)];
              }),
            );
          break;
        case 'S':
          if (Array.isArray(o.v)) return new Set(o.v.map((x: unknown) => this.decode(x, depth + 1)));
          break;
        case 'o':
          if (typeof o.v === 'object' && o.v !== null && !Array.isArray(o.v))
            return this.decodeObject(o.v as Record<string, unknown>, depth);
          break;
      }
      throw new TypeError('a value the boundary does not know came from the program');
    }
    return this.decodeObject(o, depth);
  }

  private decodeObject(o: Record<string, unknown>, depth: number): Record<string, unknown> {
    for (const k of Object.keys(o)) {
      if (k === '__proto__') {
        delete o[k];
        continue;
      }
      o[k] = this.decode(o[k], depth + 1);
    }
    return o;
  }
}

/** The error every call after a limit was reached throws: its text is what limitReached looks for. */
function stopError(what: Stop): Error {
  const e = new Error(what === 'time' ? 'interrupted' : 'out of memory');
  e.name = 'InternalError';
  Object.defineProperty(e, 'stack', { value: '', writable: true, configurable: true });
  return e;
}

/**
 * A yielded value the world may take: anything that is not an object with a string `k` goes through
 * (the world names it: "library calls need yield*"); an object whose `k` is not an operation kind is
 * refused here, so that the world never looks a made-up kind up.
 */
function checkOp(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const k = (v as { k?: unknown }).k;
  if (typeof k !== 'string') return v;
  if (!OP_KINDS.has(k) && !INSTANT_OPS.has(k)) {
    const e = new TypeError(
      `yielded an object that is not a library operation (k: ${JSON.stringify(k.slice(0, 40))}): library calls need yield* (not yield)`,
    );
    // No position: the simulator's own would be no help.
    Object.defineProperty(e, 'stack', { value: '', writable: true, configurable: true });
    throw e;
  }
  return v;
}

/** A generator that lives in QuickJS, driven from here. */
export class RemoteGenerator {
  /** Answers QuickJS gave ahead of the world's resumes (each after an op answered with undefined). */
  ahead: string[] | null = null;
  at = 0;

  constructor(
    private readonly sb: Sandboxed,
    readonly id: number,
    readonly epoch: number,
  ) {}

  next(value?: unknown): IteratorResult<unknown, unknown> {
    return this.sb.resume(this, 'n', value);
  }

  throw(e?: unknown): IteratorResult<unknown, unknown> {
    return this.sb.resume(this, 'x', e);
  }

  return(value?: unknown): IteratorResult<unknown, unknown> {
    return this.sb.resume(this, 'r', value);
  }

  [Symbol.iterator](): this {
    return this;
  }

  readonly [Symbol.toStringTag] = 'Generator';
}
