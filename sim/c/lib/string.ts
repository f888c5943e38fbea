// The pure calls of <string.h>, <strings.h>, <stdlib.h> and <ctype.h> that programs use beside the
// ones the engine models: each reads and writes the program's memory as the C code of glibc does
// (one step per shared byte it touches, none for a string literal or a private array), and takes no
// lock. The C locale throughout. rand and srand take glibc's random lock (stdlib/random.c).
import * as L from '../../api/index.ts';
import { enter, leave, op } from '../../api/op.ts';
import type { MutexHandle } from '../../api/ops.ts';
import type { Compiler } from '../compile.ts';
import type { Builtin, E, Frame } from '../forms.ts';
import type { PNode } from '../parse.ts';
import { CRuntimeError, type G, isStr, offset, read, write } from '../runtime.ts';
import { charPtr, type CType, sizeOf, T, typeName, voidPtr } from '../types.ts';
import { pointee, storeBytes } from './bytes.ts';
import { doPrintf, H, lib, sizeT, storeOut } from './core.ts';

const ERANGE = 34;
const ctypeH = ['ctype.h'];
const stringsH = ['string.h', 'strings.h'];
const llong: CType = { k: 'int', name: 'long long', bits: 64, signed: true };
const ullong: CType = { k: 'int', name: 'unsigned long long', bits: 64, signed: false };

/** Reads the string at `p` (at most `max` bytes, stopping at its NUL); NULL is a run-time error. */
function* str(cx: Compiler, p: unknown, where: string, max = Infinity): G<string> {
  if (p === 0 || p === null || p === undefined) throw new CRuntimeError(`${where}: a NULL string`);
  if (isStr(p)) {
    const s = p.str.slice(p.i);
    const z = s.indexOf('\0');
    return (z < 0 ? s : s.slice(0, z)).slice(0, Math.min(max, s.length));
  }
  let out = '';
  let l: unknown = p;
  for (let n = 0; n < max; n++) {
    if (n >= 1 << 20) throw new CRuntimeError(`${where}: string without a terminating NUL`);
    const c = (yield* read(cx.statics, l, T.char, where)) as number;
    if (!c) return out;
    out += String.fromCharCode(c & 0xff);
    if (n + 1 < max) l = offset(l, 1, where);
  }
  return out;
}

/** A fresh heap block holding `text` and its NUL (strdup's malloc and copy). */
function* heapString(cx: Compiler, text: string, where: string): G<unknown> {
  const a = yield* L.malloc(text.length + 1);
  if (!a) return 0;
  const p = { s: `heap@0x${a.toString(16)}`, p: [0] };
  yield* storeBytes(cx, p, `${text}\0`, where, T.char);
  return p;
}

const cmp = (x: string, y: string): number => {
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x.charCodeAt(i) !== y.charCodeAt(i)) return x.charCodeAt(i) - y.charCodeAt(i);
  return x.length - y.length === 0 ? 0 : x.length < y.length ? -y.charCodeAt(x.length) : x.charCodeAt(y.length);
};
const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

// ---- strtol and friends (stdlib/strtol_l.c): spaces, a sign, a base prefix, digits; ERANGE clamps.

interface Parsed {
  value: bigint;
  /** Bytes consumed (0: no digits, endptr is the string itself). */
  used: number;
}
function parseInteger(s: string, base: number): Parsed {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  if (
    (base === 0 || base === 16) &&
    s[i] === '0' &&
    (s[i + 1] === 'x' || s[i + 1] === 'X') &&
    digit(s[i + 2], 16) >= 0
  ) {
    i += 2;
    base = 16;
  } else if (base === 0) base = s[i] === '0' ? 8 : 10;
  const start = i;
  let v = 0n;
  while (i < s.length && digit(s[i], base) >= 0) v = v * BigInt(base) + BigInt(digit(s[i++], base));
  if (i === start) return { value: 0n, used: 0 };
  return { value: neg ? -v : v, used: i };
}
function digit(c: string | undefined, base: number): number {
  if (c === undefined) return -1;
  const d = /[0-9]/.test(c) ? c.charCodeAt(0) - 48 : /[a-z]/i.test(c) ? c.toLowerCase().charCodeAt(0) - 87 : -1;
  return d >= 0 && d < base ? d : -1;
}

function strtoX(ret: CType, signed: boolean): Builtin {
  return lib(
    H.stdlib,
    ret,
    function* (fr, [s, endp, b], cx, where) {
      const text = yield* str(cx, s, where);
      const base = Number(b);
      if (base !== 0 && (base < 2 || base > 36)) {
        fr.ctx.errno = L.EINVAL;
        yield* storeOut(fr, cx, endp, charPtr, s, where);
        return 0;
      }
      const { value, used } = parseInteger(text, base);
      yield* storeOut(fr, cx, endp, charPtr, used === 0 ? s : offset(s, used, where), where);
      const max = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
      const min = signed ? -(2n ** 63n) : -(2n ** 64n - 1n);
      if (value > max || value < min) {
        fr.ctx.errno = ERANGE;
        return Number(value > max ? max : signed ? min : max);
      }
      // strtoul of "-1" is ULONG_MAX: the negation is done in the unsigned type.
      return Number(signed || value >= 0n ? value : BigInt.asUintN(64, value));
    },
    { arity: [3, 3] },
  );
}
function atoX(ret: CType): Builtin {
  return lib(
    H.stdlib,
    ret,
    function* (_fr, [s], cx, where) {
      const { value } = parseInteger(yield* str(cx, s, where), 10);
      return Number(BigInt.asIntN(ret.k === 'int' ? ret.bits : 64, value));
    },
    { arity: [1, 1] },
  );
}

// ---- rand (stdlib/random_r.c, TYPE_3: x**31 + x**3 + 1, 34 words of state, 310 outputs dropped)

/** glibc's random lock (stdlib/random.c `__libc_lock_define_initialized (static, lock)`); fork leaves it as it is. */
const RANDOM_LOCK: MutexHandle = { handle: 'mutex', name: 'random_lock', type: 'lll', internal: true };
interface RandState {
  r: number[];
  f: number;
  b: number;
}
function seeded(seed: number): RandState {
  const r = new Array<number>(31);
  r[0] = seed | 0 || 1;
  for (let i = 1; i < 31; i++) {
    // Schrage's method, as __srandom_r: 16807 * r[i-1] % 2147483647 without overflow.
    const hi = Math.trunc(r[i - 1]! / 127773);
    const lo = r[i - 1]! % 127773;
    let w = 16807 * lo - 2836 * hi;
    if (w < 0) w += 2147483647;
    r[i] = w;
  }
  const st = { r, f: 3, b: 0 };
  for (let i = 0; i < 310; i++) next(st);
  return st;
}
function next(st: RandState): number {
  const v = (st.r[st.f]! + st.r[st.b]!) | 0;
  st.r[st.f] = v;
  st.f = (st.f + 1) % 31;
  st.b = (st.b + 1) % 31;
  return (v >>> 1) & 0x7fffffff;
}
const randCell = L.cell<RandState | null>('__random_state', null);
/** rand and srand are not async-signal-safe: a handler or a forked child calling them is reported. */
function* withRandomLock<T>(fn: string, body: () => G<T>): G<T> {
  yield* enter(fn);
  const libc = yield* op<string>({ k: 'libc' });
  if (libc !== 'none') yield* op({ k: 'lock', m: RANDOM_LOCK });
  const v = yield* body();
  if (libc !== 'none') yield* op({ k: 'unlock', m: RANDOM_LOCK });
  yield* leave(fn);
  return v;
}

// ---- ctype (the C locale)

const ctype = (test: (c: number) => boolean): Builtin =>
  lib(
    ctypeH,
    T.int,
    function* (_fr, [c]) {
      const n = Number(c);
      return n >= 0 && n < 128 && test(n) ? 1 : 0;
    },
    { arity: [1, 1] },
  );
const isUpper = (c: number) => c >= 65 && c <= 90;
const isLower = (c: number) => c >= 97 && c <= 122;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isPrint = (c: number) => c >= 32 && c < 127;

// ---- qsort: the comparator is a function of the program, called on the array's own elements.

function qsortBuiltin(): Builtin {
  return {
    h: H.stdlib,
    c: (cx: Compiler, args: E[], n: PNode, where: string) => {
      if (args.length !== 4) cx.err(n, `qsort takes 4 arguments, ${args.length} given`);
      const elem = pointee(args[0]!.t);
      if (elem.k === 'void')
        cx.err(n, 'qsort through a void pointer: pass the array itself (or a pointer of its element type)');
      return lib(H.stdlib, T.void, function* (fr, [base, nmemb, size, compar], cx2, w) {
        if (Number(size) !== sizeOf(elem))
          throw new CRuntimeError(`${w}: qsort's size ${Number(size)} is not sizeof (${typeName(elem)})`);
        yield* insertionSort(fr, cx2, base, Number(nmemb), elem, compar, w);
        return undefined;
      }).c(cx, args, n, where);
    },
  };
}

/** Stable, as glibc's merge sort (stdlib/msort.c) is; each comparison calls the program's function. */
function* insertionSort(
  fr: Frame,
  cx: Compiler,
  base: unknown,
  n: number,
  t: CType,
  compar: unknown,
  where: string,
): G<void> {
  for (let i = 1; i < n; i++) {
    for (let j = i; j > 0; j--) {
      const a = offset(base, j - 1, where);
      const b = offset(base, j, where);
      const c = Number(yield* cx.callValue(fr.ctx, compar, [a, b], where));
      if ((c | 0) <= 0) break;
      const va = yield* read(cx.statics, a, t, where);
      const vb = yield* read(cx.statics, b, t, where);
      yield* write(cx.statics, a, t, vb, where);
      yield* write(cx.statics, b, t, va, where);
    }
  }
}

export const STRINGS: Record<string, Builtin> = {
  sprintf: lib(H.stdio, T.int, function* (fr, [buf, fmt, ...rest], cx, where) {
    const text = yield* doPrintf(fr, cx, fmt, rest, where);
    yield* storeBytes(cx, buf, `${text}\0`, where, T.char);
    return text.length;
  }),
  strncpy: lib(
    H.string,
    charPtr,
    function* (_fr, [d, s, n], cx, where) {
      const m = Number(n);
      const t = yield* str(cx, s, where, m);
      yield* storeBytes(cx, d, t + '\0'.repeat(m - t.length), where, T.char);
      return d;
    },
    { arity: [3, 3] },
  ),
  strncat: lib(
    H.string,
    charPtr,
    function* (_fr, [d, s, n], cx, where) {
      const at = (yield* str(cx, d, where)).length;
      yield* storeBytes(cx, offset(d, at, where), `${yield* str(cx, s, where, Number(n))}\0`, where, T.char);
      return d;
    },
    { arity: [3, 3] },
  ),
  strrchr: lib(
    H.string,
    charPtr,
    function* (_fr, [s, c], cx, where) {
      const t = yield* str(cx, s, where);
      const ch = Number(c) & 0xff;
      const i = ch === 0 ? t.length : t.lastIndexOf(String.fromCharCode(ch));
      return i < 0 ? 0 : offset(s, i, where);
    },
    { arity: [2, 2] },
  ),
  strstr: lib(
    H.string,
    charPtr,
    function* (_fr, [h, nd], cx, where) {
      const i = (yield* str(cx, h, where)).indexOf(yield* str(cx, nd, where));
      return i < 0 ? 0 : offset(h, i, where);
    },
    { arity: [2, 2] },
  ),
  strpbrk: lib(
    H.string,
    charPtr,
    function* (_fr, [s, acc], cx, where) {
      const t = yield* str(cx, s, where);
      const set = yield* str(cx, acc, where);
      const i = [...t].findIndex((c) => set.includes(c));
      return i < 0 ? 0 : offset(s, i, where);
    },
    { arity: [2, 2] },
  ),
  strspn: lib(
    H.string,
    sizeT,
    function* (_fr, [s, acc], cx, where) {
      const t = yield* str(cx, s, where);
      const set = yield* str(cx, acc, where);
      let i = 0;
      while (i < t.length && set.includes(t[i]!)) i++;
      return i;
    },
    { arity: [2, 2] },
  ),
  strcspn: lib(
    H.string,
    sizeT,
    function* (_fr, [s, rej], cx, where) {
      const t = yield* str(cx, s, where);
      const set = yield* str(cx, rej, where);
      let i = 0;
      while (i < t.length && !set.includes(t[i]!)) i++;
      return i;
    },
    { arity: [2, 2] },
  ),
  strnlen: lib(
    H.string,
    sizeT,
    function* (_fr, [s, n], cx, where) {
      return (yield* str(cx, s, where, Number(n))).length;
    },
    { arity: [2, 2] },
  ),
  memchr: lib(
    H.string,
    voidPtr,
    function* (_fr, [s, c, n], cx, where) {
      const ch = Number(c) & 0xff;
      let l = s;
      for (let i = 0; i < Number(n); i++) {
        if ((Number(yield* read(cx.statics, l, T.char, where)) & 0xff) === ch) return l;
        if (i + 1 < Number(n)) l = offset(l, 1, where);
      }
      return 0;
    },
    { arity: [3, 3] },
  ),
  strdup: lib(
    H.string,
    charPtr,
    function* (_fr, [s], cx, where) {
      return yield* heapString(cx, yield* str(cx, s, where), where);
    },
    { arity: [1, 1] },
  ),
  strndup: lib(
    H.string,
    charPtr,
    function* (_fr, [s, n], cx, where) {
      return yield* heapString(cx, yield* str(cx, s, where, Number(n)), where);
    },
    { arity: [2, 2] },
  ),
  strcasecmp: lib(
    stringsH,
    T.int,
    function* (_fr, [a, b], cx, where) {
      return cmp(lower(yield* str(cx, a, where)), lower(yield* str(cx, b, where)));
    },
    { arity: [2, 2] },
  ),
  strncasecmp: lib(
    stringsH,
    T.int,
    function* (_fr, [a, b, n], cx, where) {
      const m = Number(n);
      return cmp(lower(yield* str(cx, a, where, m)), lower(yield* str(cx, b, where, m)));
    },
    { arity: [3, 3] },
  ),
  strcoll: lib(
    H.string,
    T.int,
    function* (_fr, [a, b], cx, where) {
      return sign(cmp(yield* str(cx, a, where), yield* str(cx, b, where)));
    },
    { arity: [2, 2] },
  ),
  // strtok's saved position is a static of libc (string/strtok.c `static char *olds`): process memory.
  strtok: lib(
    H.string,
    charPtr,
    function* (fr, [s, delim], cx, where) {
      const save = L.cell<unknown>('__strtok_olds', 0);
      const from = s === 0 || s === null ? yield* L.load(save) : s;
      const r = yield* tokenize(cx, from, delim, where);
      yield* L.store(save, r.rest);
      void fr;
      return r.token;
    },
    { arity: [2, 2] },
  ),
  strtok_r: lib(
    H.string,
    charPtr,
    function* (_fr, [s, delim, savep], cx, where) {
      const from = s === 0 || s === null ? yield* read(cx.statics, savep, charPtr, where) : s;
      const r = yield* tokenize(cx, from, delim, where);
      yield* write(cx.statics, savep, charPtr, r.rest, where);
      return r.token;
    },
    { arity: [3, 3] },
  ),
  strtol: strtoX(T.long, true),
  strtoll: strtoX(llong, true),
  strtoul: strtoX(T.ulong, false),
  strtoull: strtoX(ullong, false),
  atol: atoX(T.long),
  atoll: atoX(llong),
  abs: lib(H.stdlib, T.int, function* (_fr, [x]) {
    return Math.abs(Number(x)) | 0;
  }),
  labs: lib(H.stdlib, T.long, function* (_fr, [x]) {
    return Math.abs(Number(x));
  }),
  llabs: lib(H.stdlib, llong, function* (_fr, [x]) {
    return Math.abs(Number(x));
  }),
  rand: lib(
    H.stdlib,
    T.int,
    function* () {
      return yield* withRandomLock('rand', function* () {
        const st = (yield* L.load(randCell)) ?? seeded(1);
        const s = { r: [...st.r], f: st.f, b: st.b };
        const v = next(s);
        yield* L.store(randCell, s);
        return v;
      });
    },
    { arity: [0, 0] },
  ),
  srand: lib(
    H.stdlib,
    T.void,
    function* (_fr, [seed]) {
      yield* withRandomLock('srand', function* () {
        yield* L.store(randCell, seeded(Number(seed) | 0));
      });
      return undefined;
    },
    { arity: [1, 1] },
  ),
  // POSIX rand_r (stdlib/rand_r.c): three rounds of the LCG on the caller's seed, no lock.
  rand_r: lib(
    H.stdlib,
    T.int,
    function* (_fr, [seedp], cx, where) {
      let next = Number(yield* read(cx.statics, seedp, T.uint, where)) >>> 0;
      const step = (m: number) => {
        next = (Math.imul(next, 1103515245) + 12345) >>> 0;
        return (next >>> 16) % m;
      };
      let result = step(2048);
      result = ((result << 10) ^ step(1024)) | 0;
      result = ((result << 10) ^ step(1024)) | 0;
      yield* write(cx.statics, seedp, T.uint, next, where);
      return result;
    },
    { arity: [1, 1] },
  ),
  qsort: qsortBuiltin(),
  isdigit: ctype(isDigit),
  isxdigit: ctype((c) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)),
  isalpha: ctype((c) => isUpper(c) || isLower(c)),
  isalnum: ctype((c) => isUpper(c) || isLower(c) || isDigit(c)),
  isupper: ctype(isUpper),
  islower: ctype(isLower),
  isspace: ctype(isSpace),
  isblank: ctype((c) => c === 32 || c === 9),
  isprint: ctype(isPrint),
  isgraph: ctype((c) => isPrint(c) && c !== 32),
  ispunct: ctype((c) => isPrint(c) && c !== 32 && !isUpper(c) && !isLower(c) && !isDigit(c)),
  iscntrl: ctype((c) => c < 32 || c === 127),
  toupper: lib(
    ctypeH,
    T.int,
    function* (_fr, [c]) {
      const n = Number(c);
      return isLower(n) ? n - 32 : n;
    },
    { arity: [1, 1] },
  ),
  tolower: lib(
    ctypeH,
    T.int,
    function* (_fr, [c]) {
      const n = Number(c);
      return isUpper(n) ? n + 32 : n;
    },
    { arity: [1, 1] },
  ),
};

/** One strtok step from `from`: the token (NUL-terminated in place) and where the next search starts. */
function* tokenize(cx: Compiler, from: unknown, delim: unknown, where: string): G<{ token: unknown; rest: unknown }> {
  if (from === 0 || from === null) return { token: 0, rest: 0 };
  const t = yield* str(cx, from, where);
  const set = yield* str(cx, delim, where);
  let i = 0;
  while (i < t.length && set.includes(t[i]!)) i++;
  if (i === t.length) return { token: 0, rest: offset(from, i, where) };
  let j = i;
  while (j < t.length && !set.includes(t[j]!)) j++;
  if (j === t.length) return { token: offset(from, i, where), rest: offset(from, j, where) };
  yield* write(cx.statics, offset(from, j, where), T.char, 0, where);
  return { token: offset(from, i, where), rest: offset(from, j + 1, where) };
}
