// Run-time representation of C values for the front end, and the memory helpers every compiled
// closure uses. Memory another thread can reach is the library's cells (one per scalar, named by its
// C location, e.g. `counter`, `th[2]`, `heap@0x555555559000[0].next`): each load and store is a step
// and fork copies them with the process. Private locals live in the thread's frame (plain JS data).
import * as L from '../api/index.ts';
import type { CellHandle, MutexHandle, MutexType } from '../api/ops.ts';
import type { CType } from './types.ts';
import { convertInt } from './types.ts';

/** A location in a thread's own frame (never reachable by another thread). */
export interface Priv {
  box: Record<string | number, unknown>;
  key: string | number;
}
/** A location in process memory: a base object and a path of indices and field names. */
export interface Shr {
  s: string;
  p: (string | number)[];
}
export type Loc = Priv | Shr;
export interface FnPtr {
  fn: string;
}
export interface StrPtr {
  str: string;
  i: number;
}

export const isShr = (v: unknown): v is Shr => typeof v === 'object' && v !== null && 's' in v;
export const isPriv = (v: unknown): v is Priv => typeof v === 'object' && v !== null && 'box' in v;
export const isFn = (v: unknown): v is FnPtr => typeof v === 'object' && v !== null && 'fn' in v;
export const isStr = (v: unknown): v is StrPtr => typeof v === 'object' && v !== null && 'str' in v;

/** A C run-time error: reported by the world as an error finding with its position, no JS stack. */
export class CRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CRuntimeError';
    // The world looks for a file position in the stack; this message already carries the C one.
    this.stack = `${this.name}: ${message}`;
  }
}

export type G<T = unknown> = Generator<unknown, T, unknown>;

/** Per-execution tables the compiler fills: initial values of globals, mutex kinds. */
export interface Statics {
  cellInit: Map<string, unknown>;
  mutexType: Map<string, MutexType>;
  file: string;
  /** The program has thread-local objects (their initial values are kept under `NAME@...`). */
  tls?: boolean;
}

/** A thread's TLS object `x@1001[2]` starts as every thread's does: the value kept under `x@[2]`. */
const TLS_COPY = /@\d+(?=$|[[.])/;
function initialOf(st: Statics, name: string): unknown {
  const v = st.cellInit.get(name);
  if (v !== undefined || !st.tls) return v;
  const m = TLS_COPY.exec(name);
  return m ? st.cellInit.get(name.slice(0, m.index + 1) + name.slice(m.index + m[0].length)) : undefined;
}

export function locName(l: Shr): string {
  let s = l.s;
  for (const k of l.p) s += typeof k === 'number' ? `[${k}]` : `.${k}`;
  return s;
}

const cellCache = new Map<string, CellHandle>();
export function cellOf(st: Statics, name: string): CellHandle {
  let h = cellCache.get(name);
  const init = initialOf(st, name) ?? 0;
  if (!h || h.initial !== init) {
    h = L.cell(name, init);
    cellCache.set(name, h);
  }
  return h;
}

export function mutexOf(st: Statics, l: unknown, where: string): MutexHandle {
  if (!isShr(l)) throw new CRuntimeError(`${where}: not a pointer to a pthread_mutex_t`);
  const name = locName(l);
  return L.mutex(name, { type: st.mutexType.get(name) ?? 'normal' });
}

export function zero(t: CType): unknown {
  switch (t.k) {
    case 'array':
      return Array.from({ length: t.n ?? 0 }, () => zero(t.of));
    case 'struct': {
      const o: Record<string, unknown> = {};
      for (const f of t.fields ?? []) o[f.name] = zero(f.type);
      return o;
    }
    case 'opaque':
      return {};
    default:
      return 0;
  }
}

export function clone(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object' && !isShr(v) && !isPriv(v) && !isFn(v) && !isStr(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = clone(x);
    return o;
  }
  return v;
}

/** Converts a value for storing in an object of type t. */
export function conv(t: CType, v: unknown): unknown {
  if (t.k === 'int') {
    if (typeof v === 'number') return convertInt(t, v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v === null || v === undefined) return 0;
    if (t.bits === 1) return truthy(v) ? 1 : 0;
    return v; // a pointer kept in an intptr_t: only casting it back is meaningful
  }
  if (t.k === 'float') return typeof v === 'number' ? v : Number(v);
  return v;
}

export function truthy(v: unknown): boolean {
  if (typeof v === 'number') return v !== 0;
  return v !== null && v !== undefined && v !== false;
}

export function ptrEq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isShr(a) && isShr(b)) return a.s === b.s && a.p.length === b.p.length && a.p.every((k, i) => k === b.p[i]);
  if (isPriv(a) && isPriv(b)) return a.box === b.box && a.key === b.key;
  if (isFn(a) && isFn(b)) return a.fn === b.fn;
  if (isStr(a) && isStr(b)) return a.str === b.str && a.i === b.i;
  return false;
}

/** The location `i` elements after `l` (pointer arithmetic within an array). */
export function offset(l: unknown, i: number, where: string): unknown {
  if (i === 0) return l;
  if (isStr(l)) return { str: l.str, i: l.i + i };
  if (isShr(l)) {
    const last = l.p[l.p.length - 1];
    if (typeof last !== 'number')
      throw new CRuntimeError(
        `${where}: pointer arithmetic on a pointer to ${locName(l)}, which is not an array element (outside the supported subset)`,
      );
    return { s: l.s, p: [...l.p.slice(0, -1), last + i] };
  }
  if (isPriv(l)) {
    if (typeof l.key !== 'number' || !Array.isArray(l.box))
      throw new CRuntimeError(
        `${where}: pointer arithmetic on a pointer that is not into an array (outside the supported subset)`,
      );
    return { box: l.box, key: l.key + i };
  }
  if (l === 0 || l === null) throw new CRuntimeError(`${where}: arithmetic on a null pointer`);
  throw new CRuntimeError(`${where}: pointer arithmetic on ${describe(l)} (outside the supported subset)`);
}

/** The location of member `name` of the struct at location `l` (s.name, p->name). */
export function memberLoc(l: unknown, name: string, where: string): unknown {
  if (isShr(l)) return { s: l.s, p: [...l.p, name] };
  if (isPriv(l)) return { box: l.box[l.key], key: name };
  if (l === 0) throw new CRuntimeError(`${where}: null pointer dereference`);
  throw new CRuntimeError(`${where}: member access through ${describe(l)}`);
}

export function describe(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (isShr(v)) return `&${locName(v)}`;
  if (isFn(v)) return `function ${v.fn}`;
  if (isStr(v)) return JSON.stringify(v.str.slice(v.i));
  if (isPriv(v)) return 'a local';
  return String(v);
}

/** Reads the value at a location (aggregates field by field: one step per shared scalar). */
export function* read(st: Statics, l: unknown, t: CType, where: string): G<unknown> {
  if (isPriv(l)) {
    if (Array.isArray(l.box) && typeof l.key === 'number' && (l.key < 0 || l.key >= l.box.length)) {
      throw new CRuntimeError(`${where}: index ${l.key} is out of bounds (size ${l.box.length})`);
    }
    const v = l.box[l.key];
    return t.k === 'struct' || t.k === 'array' ? clone(v) : v;
  }
  if (isShr(l)) {
    if (t.k === 'struct') {
      const o: Record<string, unknown> = {};
      for (const f of t.fields ?? []) o[f.name] = yield* read(st, { s: l.s, p: [...l.p, f.name] }, f.type, where);
      return o;
    }
    if (t.k === 'array') {
      const a: unknown[] = [];
      for (let i = 0; i < (t.n ?? 0); i++) a.push(yield* read(st, { s: l.s, p: [...l.p, i] }, t.of, where));
      return a;
    }
    return yield* L.load(cellOf(st, locName(l)));
  }
  if (isStr(l)) {
    if (t.k !== 'int') throw new CRuntimeError(`${where}: reading a string literal as ${t.k}`);
    return l.i < l.str.length ? l.str.charCodeAt(l.i) : 0;
  }
  if (l === 0 || l === null) throw new CRuntimeError(`${where}: null pointer dereference`);
  throw new CRuntimeError(
    `${where}: dereferencing ${describe(l)}, which does not point to an object (outside the supported subset)`,
  );
}

export function* write(st: Statics, l: unknown, t: CType, v: unknown, where: string): G<void> {
  if (isPriv(l)) {
    if (Array.isArray(l.box) && typeof l.key === 'number' && (l.key < 0 || l.key >= l.box.length)) {
      throw new CRuntimeError(`${where}: index ${l.key} is out of bounds (size ${l.box.length})`);
    }
    l.box[l.key] = t.k === 'struct' || t.k === 'array' ? clone(v) : conv(t, v);
    return;
  }
  if (isShr(l)) {
    if (t.k === 'struct') {
      const o = v as Record<string, unknown>;
      for (const f of t.fields ?? []) yield* write(st, { s: l.s, p: [...l.p, f.name] }, f.type, o[f.name], where);
      return;
    }
    if (t.k === 'array') {
      const a = v as unknown[];
      for (let i = 0; i < (t.n ?? 0); i++) yield* write(st, { s: l.s, p: [...l.p, i] }, t.of, a[i], where);
      return;
    }
    yield* L.store(cellOf(st, locName(l)), conv(t, v));
    return;
  }
  if (isStr(l)) throw new CRuntimeError(`${where}: writing into a string literal`);
  if (l === 0 || l === null) throw new CRuntimeError(`${where}: null pointer dereference`);
  throw new CRuntimeError(
    `${where}: writing through ${describe(l)}, which does not point to an object (outside the supported subset)`,
  );
}

/** Reads a NUL-terminated string (a literal, or a char array: one step per shared char). */
export function* readCString(st: Statics, p: unknown, where: string): G<string> {
  if (isStr(p)) {
    const s = p.str.slice(p.i);
    const z = s.indexOf('\0');
    return z < 0 ? s : s.slice(0, z);
  }
  if (p === 0 || p === null) return '(null)';
  let out = '';
  let l: unknown = p;
  for (let n = 0; n < 65536; n++) {
    const c = (yield* read(st, l, { k: 'int', name: 'char', bits: 8, signed: true }, where)) as number;
    if (!c) return out;
    out += String.fromCharCode(c & 0xff);
    l = offset(l, 1, where);
  }
  throw new CRuntimeError(`${where}: string without a terminating NUL`);
}

export const ERRNO_NAMES: Record<number, [string, string]> = {
  1: ['EPERM', 'Operation not permitted'],
  2: ['ENOENT', 'No such file or directory'],
  3: ['ESRCH', 'No such process'],
  4: ['EINTR', 'Interrupted system call'],
  9: ['EBADF', 'Bad file descriptor'],
  10: ['ECHILD', 'No child processes'],
  11: ['EAGAIN', 'Resource temporarily unavailable'],
  12: ['ENOMEM', 'Cannot allocate memory'],
  16: ['EBUSY', 'Device or resource busy'],
  17: ['EEXIST', 'File exists'],
  22: ['EINVAL', 'Invalid argument'],
  29: ['ESPIPE', 'Illegal seek'],
  32: ['EPIPE', 'Broken pipe'],
  34: ['ERANGE', 'Numerical result out of range'],
  35: ['EDEADLK', 'Resource deadlock avoided'],
  38: ['ENOSYS', 'Function not implemented'],
  110: ['ETIMEDOUT', 'Connection timed out'],
};
export const strerror = (e: number): string => ERRNO_NAMES[e]?.[1] ?? `Unknown error ${e}`;

/** A stable pseudo-address for %p of a location that has no numeric address. */
export function pseudoAddress(v: unknown): string {
  if (v === 0 || v === null) return '(nil)';
  if (isShr(v) && v.s.startsWith('heap@')) {
    let a = Number.parseInt(v.s.slice(5), 16);
    for (const k of v.p) if (typeof k === 'number') a += k * 8;
    return `0x${a.toString(16)}`;
  }
  if (typeof v === 'number') return `0x${v.toString(16)}`;
  const s = describe(v);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return `0x7ffd${(h & 0xffffff).toString(16).padStart(6, '0')}0`;
}

/** printf-family formatting: flags, width, precision (also *), length modifiers, d i u x X o c s p m f g e %. */
export function* format(st: Statics, fmt: string, args: unknown[], errno: number, where: string): G<string> {
  let out = '';
  let a = 0;
  const next = (): unknown => {
    if (a >= args.length)
      throw new CRuntimeError(`${where}: the format "${fmt}" needs more arguments than the ${args.length} given`);
    return args[a++];
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?([diouxXcspmfFgGeE%])/.exec(fmt.slice(i));
    if (!m)
      throw new CRuntimeError(`${where}: unsupported conversion in the format "${fmt}" at "${fmt.slice(i, i + 4)}"`);
    i += m[0].length - 1;
    const flags = m[1]!;
    const width = m[2] === '*' ? Number(next()) : m[2] ? Number(m[2]) : 0;
    const prec = m[3] === '*' ? Number(next()) : m[3] !== undefined ? Number(m[3]) : undefined;
    const len = m[4] ?? '';
    const conv = m[5]!;
    let s: string;
    switch (conv) {
      case '%':
        out += '%';
        continue;
      case 'd':
      case 'i': {
        let v = toNum(next(), where);
        if (len === '' || len === 'h' || len === 'hh')
          v = len === 'hh' ? (v << 24) >> 24 : len === 'h' ? (v << 16) >> 16 : v | 0;
        s = Math.abs(v).toString();
        if (prec !== undefined) s = s.padStart(prec, '0');
        s = (v < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
        break;
      }
      case 'u':
      case 'x':
      case 'X':
      case 'o': {
        let v = toNum(next(), where);
        if (len === '') v = v >>> 0;
        else if (v < 0) v += 2 ** 64;
        s = v.toString(conv === 'u' ? 10 : conv === 'o' ? 8 : 16);
        if (conv === 'X') s = s.toUpperCase();
        if (prec !== undefined) s = s.padStart(prec, '0');
        if (flags.includes('#') && v !== 0 && conv !== 'u') s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + s;
        break;
      }
      case 'c':
        s = String.fromCharCode(toNum(next(), where) & 0xff);
        break;
      case 's': {
        s = yield* readCString(st, next(), where);
        if (prec !== undefined) s = s.slice(0, prec);
        break;
      }
      case 'p':
        s = pseudoAddress(next());
        break;
      case 'm':
        s = strerror(errno);
        break;
      case 'e':
      case 'E':
        // C writes at least two exponent digits: 3.14e+00.
        s = toNum(next(), where)
          .toExponential(prec ?? 6)
          .replace(/e([+-])(\d)$/, 'e$10$2');
        if (conv === 'E') s = s.toUpperCase();
        break;
      case 'g':
      case 'G':
        s = formatG(toNum(next(), where), prec === undefined ? 6 : prec || 1, flags.includes('#'));
        if (conv === 'G') s = s.toUpperCase();
        break;
      default:
        s = formatF(toNum(next(), where), prec ?? 6);
    }
    if (s.length < width) {
      if (flags.includes('-')) s = s.padEnd(width);
      else if (
        flags.includes('0') &&
        conv !== 's' &&
        conv !== 'c' &&
        conv !== 'p' &&
        (prec === undefined || 'fFeEgG'.includes(conv))
      ) {
        const sign = /^[-+ ]/.test(s) ? s[0]! : '';
        s = sign + s.slice(sign.length).padStart(width - sign.length, '0');
      } else s = s.padStart(width);
    }
    out += s;
  }
  return out;
}

/** %f: toFixed, which switches to an exponent from 1e21 on; C writes every digit of the double. */
function formatF(x: number, p: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
  if (Math.abs(x) < 1e21) return x.toFixed(p);
  return `${BigInt(x).toString()}${p > 0 ? `.${'0'.repeat(p)}` : ''}`;
}

/** %g (C11 7.21.6.1): %e's form when the exponent X is below -4 or at least P, else %f's with P-1-X decimals. */
function formatG(x: number, p: number, keepZeros: boolean): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x < 0 ? '-inf' : 'inf';
  const e = x.toExponential(p - 1);
  const exp = Number(e.slice(e.indexOf('e') + 1));
  let s = exp < -4 || exp >= p ? e : formatF(x, p - 1 - exp);
  if (!keepZeros) s = s.replace(/\.?0+(?=e|$)/, (m) => (m.startsWith('.') || s.includes('.') ? '' : m));
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

function toNum(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new CRuntimeError(`${where}: a number was expected for the format, got ${describe(v)}`);
}
