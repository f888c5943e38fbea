// Bytes a read or write moves: the memory model keeps typed values, so a buffer is read and written
// as chars (a string literal, or a char array, NUL bytes included).
import { type G, isStr, offset, read } from '../runtime.ts';
import type { Compiler } from '../compile.ts';
import { CRuntimeError, describe } from '../runtime.ts';
import { T } from '../types.ts';

/** The `n` bytes at `p`, as a string of char codes. */
export function* bytesArg(cx: Compiler, p: unknown, n: number, where: string): G<string> {
  if (isStr(p)) {
    // A string literal's array ends with its NUL.
    const s = p.str.slice(p.i, p.i + n);
    return s.length < n ? `${s}\0` : s;
  }
  if (p === 0 || p === null) throw new CRuntimeError(`${where}: a NULL buffer`);
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
    out += String.fromCharCode(Number(c) & 0xff);
    if (i + 1 < n) l = offset(l, 1, where);
  }
  return out;
}
