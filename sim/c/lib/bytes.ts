// Bytes a read or write moves. The memory model keeps typed values, so a buffer is read and written
// as values of the type its pointer points to, each turned into its bytes as on x86-64 (little-endian
// integers, IEEE doubles, struct fields at their alignment with zero padding) and back.
import { type G, isStr, offset, read, write } from '../runtime.ts';
import type { Compiler } from '../compile.ts';
import { CRuntimeError, describe } from '../runtime.ts';
import { alignOf, type CType, sizeOf, T, typeName } from '../types.ts';

/** The type a buffer argument of static type `t` points to (void for a void pointer). */
export function pointee(t: CType): CType {
  return t.k === 'ptr' ? t.to : t.k === 'array' ? t.of : T.void;
}

/** A void or char buffer: moved byte by byte, as before any type was known. */
const bytewise = (t: CType) => t.k === 'void' || (t.k === 'int' && t.bits === 8);

function noBytes(t: CType, where: string): never {
  throw new CRuntimeError(
    `${where}: read and write move the bytes of integers, doubles, and structs and arrays of them; ${typeName(t)} has no bytes the simulator models`,
  );
}

/** The bytes of value `v` of type `t`. */
function encode(t: CType, v: unknown, where: string): number[] {
  switch (t.k) {
    case 'int': {
      if (v !== null && v !== undefined && typeof v !== 'number' && typeof v !== 'boolean') noBytes(T.void, where);
      const x = Number(v ?? 0);
      const size = sizeOf(t);
      let b = BigInt.asUintN(size * 8, BigInt(Number.isFinite(x) ? Math.trunc(x) : 0));
      const out: number[] = [];
      for (let i = 0; i < size; i++, b >>= 8n) out.push(Number(b & 0xffn));
      return out;
    }
    case 'float': {
      const d = new DataView(new ArrayBuffer(8));
      d.setFloat64(0, Number(v ?? 0), true);
      return [...new Uint8Array(d.buffer)];
    }
    case 'array': {
      const a = (v ?? []) as unknown[];
      const out: number[] = [];
      for (let i = 0; i < (t.n ?? 0); i++) out.push(...encode(t.of, a[i], where));
      return out;
    }
    case 'struct': {
      const o = (v ?? {}) as Record<string, unknown>;
      const out: number[] = [];
      for (const f of t.fields ?? []) {
        while (out.length % alignOf(f.type)) out.push(0);
        out.push(...encode(f.type, o[f.name], where));
      }
      while (out.length < sizeOf(t)) out.push(0);
      return out;
    }
    default:
      return noBytes(t, where);
  }
}

/** The value of type `t` whose bytes start at `b[at]`. */
function decode(t: CType, b: number[], at: number): unknown {
  switch (t.k) {
    case 'int': {
      const size = sizeOf(t);
      if (t.bits === 1) return b[at] ? 1 : 0;
      let x = 0n;
      for (let i = size - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[at + i]!);
      return Number(t.signed ? BigInt.asIntN(size * 8, x) : x);
    }
    case 'float':
      return new DataView(new Uint8Array(b.slice(at, at + 8)).buffer).getFloat64(0, true);
    case 'array': {
      const s = sizeOf(t.of);
      return Array.from({ length: t.n ?? 0 }, (_, i) => decode(t.of, b, at + i * s));
    }
    case 'struct': {
      const o: Record<string, unknown> = {};
      let off = 0;
      for (const f of t.fields ?? []) {
        off = Math.ceil(off / alignOf(f.type)) * alignOf(f.type);
        o[f.name] = decode(f.type, b, at + off);
        off += sizeOf(f.type);
      }
      return o;
    }
    default:
      return undefined;
  }
}

/** The `n` bytes at `p`, a buffer of `elem`s, as a string of char codes. */
export function* bytesArg(cx: Compiler, p: unknown, n: number, where: string, elem: CType = T.void): G<string> {
  if (isStr(p)) {
    // A string literal's array ends with its NUL.
    const s = p.str.slice(p.i, p.i + n);
    return s.length < n ? `${s}\0` : s;
  }
  if (p === 0 || p === null) throw new CRuntimeError(`${where}: a NULL buffer`);
  if (!bytewise(elem)) {
    const out: number[] = [];
    for (let k = 0; out.length < n; k++)
      out.push(...encode(elem, yield* read(cx.statics, offset(p, k, where), elem, where), where));
    return String.fromCharCode(...out.slice(0, n));
  }
  let out = '';
  let l: unknown = p;
  for (let i = 0; i < n; i++) {
    let c: number;
    try {
      c = (yield* read(cx.statics, l, T.char, where)) as number;
    } catch (e) {
      if (e instanceof CRuntimeError && i === 0)
        throw new CRuntimeError(
          `${where}: read and write move bytes of a char buffer only (${describe(p)} is not one): ${e.message}`,
        );
      throw e;
    }
    // A value no char can hold: the buffer is not a char array (through a void pointer, say).
    if (typeof c !== 'number' || c < -128 || c > 255)
      throw new CRuntimeError(
        `${where}: read and write through ${describe(p)}: it holds ${describe(c)}, not a char; pass a pointer of the buffer's own type (int *, struct ... *) so its bytes are known`,
      );
    out += String.fromCharCode(c & 0xff);
    if (i + 1 < n) l = offset(l, 1, where);
  }
  return out;
}

/** Stores the bytes `text` at `p`, a buffer of `elem`s; a value only partly covered keeps its other bytes. */
export function* storeBytes(cx: Compiler, p: unknown, text: string, where: string, elem: CType = T.void): G<void> {
  if (bytewise(elem)) {
    let l = p;
    for (let i = 0; i < text.length; i++) {
      yield* write(cx.statics, l, T.char, text.charCodeAt(i), where);
      if (i + 1 < text.length) l = offset(l, 1, where);
    }
    return;
  }
  const size = sizeOf(elem);
  for (let k = 0; k * size < text.length; k++) {
    const l = offset(p, k, where);
    const part = [...text.slice(k * size, (k + 1) * size)].map((c) => c.charCodeAt(0));
    const b = part.length < size ? encode(elem, yield* read(cx.statics, l, elem, where), where) : part;
    b.splice(0, part.length, ...part);
    yield* write(cx.statics, l, elem, decode(elem, b, 0), where);
  }
}
