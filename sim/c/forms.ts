// The compiled forms of the C front end: frames, expressions (E) and statements (S) as closures, their
// completions, and the small arithmetic helpers every part of the compiler shares.
import type { Compiler } from './compile.ts';
import { named, type PNode } from './parse.ts';
import { CRuntimeError, describe, type G, isPriv, isShr, isStr, type Loc, type Statics, write } from './runtime.ts';
import { type CType, T } from './types.ts';

/** Iterations of local loops allowed between two steps before the thread is stopped as runaway. */
export const FUEL = 1_000_000;

export interface Frame {
  v: unknown[];
  ctx: Ctx;
}
/** Per-thread interpreter state (lives in the thread's generator, so a fork's replay rebuilds it). */
export interface Ctx {
  main: boolean;
  tid: number | null;
  acts: Map<string, number>;
  fuel: number;
  errno: number;
  /** The thread's control block (pthread_self), once asked: it names the thread's TLS objects. */
  tcb?: number;
}
/** A compiled expression: its type and either a pure function or a generator (when it may step). */
export interface E {
  t: CType;
  p?: (fr: Frame) => unknown;
  g?: (fr: Frame) => G<unknown>;
  /** For lvalues: the location. */
  loc?: { p?: (fr: Frame) => unknown; g?: (fr: Frame) => G<unknown> };
  /** Compile-time constant value, when known. */
  k?: unknown;
  /** Source text (assert messages). */
  src?: string;
}
/** How a statement ended other than by falling through; any other value a statement returns is ignored. */
export class Comp {
  readonly k: 'brk' | 'cont' | 'ret' | 'go';
  readonly v: unknown;
  constructor(k: 'brk' | 'cont' | 'ret' | 'go', v?: unknown) {
    this.k = k;
    this.v = v;
  }
}
export type Completion = unknown;
/** A compiled statement; `pure` when it can never step (run without a generator). */
export type S = ((fr: Frame) => G<Completion>) & { pure?: (fr: Frame) => Completion };
export function mkPure(p: (fr: Frame) => Completion): S {
  const s = function* (fr: Frame): G<Completion> {
    return p(fr);
  } as S;
  s.pure = p;
  return s;
}

export const BRK = new Comp('brk');
export const CONT = new Comp('cont');

export function* ev(e: E, fr: Frame): G<unknown> {
  return e.p ? e.p(fr) : yield* e.g!(fr);
}
export function* evLoc(e: E, fr: Frame): G<unknown> {
  const l = e.loc!;
  return l.p ? l.p(fr) : yield* l.g!(fr);
}
export const pure = (t: CType, p: (fr: Frame) => unknown, k?: unknown): E => (k === undefined ? { t, p } : { t, p, k });
export const gen = (t: CType, g: (fr: Frame) => G<unknown>): E => ({ t, g });

export interface FnInfo {
  name: string;
  type: Extract<CType, { k: 'fn' }>;
  node: PNode | null;
  /** Filled after compilation. */
  invoke?: (ctx: Ctx, args: unknown[]) => G<unknown>;
}

export interface VarInfo {
  kind: 'local' | 'global' | 'const' | 'enum' | 'constdata';
  name: string;
  type: CType;
  slot?: number;
  /** Locals: lives in process memory (its address escaped, or a mutex/cond/sem). */
  shared?: boolean;
  /** Globals: the location's base name. */
  base?: string;
  /** Thread-local (the location is `BASE@TCB`, one per thread). */
  tls?: boolean;
  value?: unknown;
}

export interface Builtin {
  /** Headers that declare it (any one will do). */
  h: string[];
  /** Argument positions whose pointer the callee keeps or hands to another thread. */
  esc?: number[];
  c: (cx: Compiler, args: E[], n: PNode, where: string) => E;
}

// ---------------------------------------------------------------- helpers

export function newCtx(main: boolean): Ctx {
  return { main, tid: null, acts: new Map(), fuel: FUEL, errno: 0 };
}

/** Passes every operation through, refilling the thread's loop fuel at each step. */
export function* metered(ctx: Ctx, it: G<unknown>): G<unknown> {
  let v: unknown = undefined;
  for (;;) {
    const r = it.next(v);
    if (r.done) return r.value;
    ctx.fuel = FUEL;
    v = yield r.value;
  }
}

export function runaway(what: string): CRuntimeError {
  return new CRuntimeError(
    `${what} ran ${FUEL.toLocaleString('en-US')} iterations without a step (no shared access, no library call): a local loop that never ends, such as for (;;) {}, is stopped`,
  );
}

export function privRead(loc: unknown, where: string): unknown {
  const l = loc as { box: Record<string | number, unknown>; key: string | number };
  if (Array.isArray(l.box) && typeof l.key === 'number' && (l.key < 0 || l.key >= l.box.length)) {
    throw new CRuntimeError(`${where}: index ${l.key} is out of bounds (size ${l.box.length})`);
  }
  return l.box[l.key];
}

export function* writeNonZero(st: Statics, l: Loc, t: CType, v: unknown, where: string): G<void> {
  if (t.k === 'struct') {
    for (const f of t.fields ?? [])
      yield* writeNonZero(
        st,
        { s: (l as { s: string }).s, p: [...(l as { p: (string | number)[] }).p, f.name] },
        f.type,
        (v as Record<string, unknown>)[f.name],
        where,
      );
    return;
  }
  if (t.k === 'array') {
    for (let i = 0; i < (t.n ?? 0); i++)
      yield* writeNonZero(
        st,
        { s: (l as { s: string }).s, p: [...(l as { p: (string | number)[] }).p, i] },
        t.of,
        (v as unknown[])[i],
        where,
      );
    return;
  }
  if (v !== 0 && v !== undefined) yield* write(st, l, t, v, where);
}

export function num(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) return 0;
  throw new CRuntimeError(
    `${where}: ${describe(v)} used as a number (casting a pointer to an integer is outside the supported subset)`,
  );
}

export function mul(a: number, b: number): number {
  const r = a * b;
  return Number.isSafeInteger(r) ? r : Math.imul(a, b);
}

export function bitop(a: number, b: number, f: '&' | '|' | '^'): number {
  if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) <= 0x7fffffff && Math.abs(b) <= 0x7fffffff) {
    return f === '&' ? a & b : f === '|' ? a | b : a ^ b;
  }
  const x = BigInt.asIntN(64, BigInt(Math.trunc(a)));
  const y = BigInt.asIntN(64, BigInt(Math.trunc(b)));
  return Number(f === '&' ? x & y : f === '|' ? x | y : x ^ y);
}

export function ptrDiff(x: unknown, y: unknown, where: string): number {
  if (
    isShr(x) &&
    isShr(y) &&
    x.s === y.s &&
    x.p.length === y.p.length &&
    x.p.slice(0, -1).every((k, i) => k === y.p[i])
  ) {
    return (x.p[x.p.length - 1] as number) - (y.p[y.p.length - 1] as number);
  }
  if (isPriv(x) && isPriv(y) && x.box === y.box) return (x.key as number) - (y.key as number);
  if (isStr(x) && isStr(y) && x.str === y.str) return x.i - y.i;
  throw new CRuntimeError(
    `${where}: comparing or subtracting pointers into different objects (outside the supported subset)`,
  );
}

export function promote(t: Extract<CType, { k: 'int' }>): CType {
  return t.bits < 32 ? T.int : t;
}

export function arith(a: CType, b: CType): CType {
  if (a.k === 'float' || b.k === 'float') return T.double;
  if (a.k !== 'int' || b.k !== 'int') return T.int;
  const pa = promote(a) as Extract<CType, { k: 'int' }>;
  const pb = promote(b) as Extract<CType, { k: 'int' }>;
  if (pa.bits !== pb.bits) return pa.bits > pb.bits ? pa : pb;
  if (!pa.signed) return pa;
  return pb;
}

export function decay(t: CType): CType {
  if (t.k === 'array') return { k: 'ptr', to: t.of };
  if (t.k === 'fn') return { k: 'ptr', to: t };
  return t;
}

export function initCount(init: PNode): number {
  if (init.type === 'string_literal') return stringValue(init).length + 1;
  return named(init).length;
}

/** The value of a string or char literal, escapes decoded. */
export function stringValue(n: PNode, quote = '"'): string {
  let s = n.text;
  if (/^[LuU]8?/.test(s) && !s.startsWith(quote)) s = s.slice(s.indexOf(quote));
  s = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const d = s[++i]!;
    switch (d) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
        out += String.fromCharCode(Number.parseInt(m, 8));
        i += m.length - 1;
        break;
      }
      case 'x': {
        const m = /^[0-9a-fA-F]+/.exec(s.slice(i + 1))?.[0] ?? '';
        out += String.fromCharCode(Number.parseInt(m || '0', 16));
        i += m.length;
        break;
      }
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case 'e':
        out += '\x1b';
        break;
      default:
        out += d;
    }
  }
  return out;
}
