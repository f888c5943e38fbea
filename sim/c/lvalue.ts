// Lvalues: the location of a variable, an element or a member, and reading one (a step unless it is private).
import * as L from '../api/index.ts';
import type { Compiler } from './compile.ts';
import { type E, type Frame, gen, privRead, pure } from './forms.ts';
import { field, named, type PNode } from './parse.ts';
import { CRuntimeError, type G, isPriv, isShr, memberLoc, offset, read } from './runtime.ts';
import { type CType, isInt, T, typeName } from './types.ts';

/** An lvalue: its type and a function giving its location. */
export function lvalueUncached(this: Compiler, n: PNode): E {
  const where = this.where(n);
  switch (n.type) {
    case 'parenthesized_expression':
      return this.lvalue(named(n)[0]!);
    case 'identifier': {
      const name = n.text;
      if (name === 'errno' && !this.lookup(name)) {
        return { t: T.int, loc: { p: (fr) => ({ box: fr.ctx as unknown as Record<string, unknown>, key: 'errno' }) } };
      }
      const v = this.lookup(name);
      if (!v) {
        if (this.fns.has(name)) this.err(n, `${name} is a function, not an object`);
        return this.err(n, `unknown identifier ${name}`);
      }
      if (v.kind === 'enum' || v.kind === 'const') this.err(n, `${name} is a constant, not an object`);
      if (v.kind === 'constdata') {
        const loc = { box: v.value as Record<string, unknown>, key: 'v' };
        return { t: v.type, loc: { p: () => loc } };
      }
      if (v.kind === 'global' && v.tls) {
        const base = `${v.base!}@`;
        return {
          t: v.type,
          loc: {
            g: function* (fr) {
              const ctx = fr.ctx;
              if (ctx.tcb === undefined) ctx.tcb = yield* L.pthread_self();
              return { s: `${base}${ctx.tcb}`, p: [] };
            },
          },
        };
      }
      if (v.kind === 'global') {
        const loc = { s: v.base!, p: [] as (string | number)[] };
        return { t: v.type, loc: { p: () => loc } };
      }
      const slot = v.slot!;
      if (v.shared) return { t: v.type, loc: { p: (fr) => ({ s: fr.v[slot] as string, p: [] }) } };
      return { t: v.type, loc: { p: (fr) => ({ box: fr.v, key: slot }) } };
    }
    case 'subscript_expression': {
      const an = field(n, 'argument')!;
      const idx = this.expr(field(n, 'index')!);
      if (!isInt(idx.t)) this.err(field(n, 'index')!, 'an array index must be an integer');
      const a = this.expr(an);
      // a is an array (decays to a pointer to its first element) or a pointer.
      let et: CType;
      if (a.t.k === 'array') et = a.t.of;
      else if (a.t.k === 'ptr') et = a.t.to;
      else return this.err(an, `subscripted value is not an array or pointer (${typeName(a.t)})`);
      const declared =
        an.type === 'identifier' || an.type === 'field_expression' || an.type === 'subscript_expression'
          ? this.lookupType(an)
          : undefined;
      const bound = declared?.k === 'array' ? declared.n : a.t.k === 'array' ? a.t.n : null;
      const arrName = an.text;
      const at = (base: unknown, i: number) => {
        if (bound !== null && (i < 0 || i >= bound))
          throw new CRuntimeError(`${where}: index ${i} is out of bounds of ${arrName}[${bound}]`);
        return offset(base, i, where);
      };
      if (a.p && idx.p) {
        const [ap, ip] = [a.p, idx.p];
        return { t: et, loc: { p: (fr) => at(ap(fr), ip(fr) as number) } };
      }
      return {
        t: et,
        loc: {
          g: function* (fr) {
            const base = a.p ? a.p(fr) : yield* a.g!(fr);
            return at(base, (idx.p ? idx.p(fr) : yield* idx.g!(fr)) as number);
          },
        },
      };
    }
    case 'field_expression': {
      const op = field(n, 'operator')!.text;
      const an = field(n, 'argument')!;
      const fname = field(n, 'field')!.text;
      let baseT: CType;
      let baseLoc: { p?: (fr: Frame) => unknown; g?: (fr: Frame) => G<unknown> };
      if (op === '.') {
        const b = this.lvalue(an);
        baseT = b.t;
        baseLoc = b.loc!;
      } else {
        const b = this.expr(an);
        if (b.t.k !== 'ptr') this.err(an, `-> on ${typeName(b.t)}, which is not a pointer`);
        baseT = b.t.to;
        baseLoc = b.p ? { p: b.p } : { g: b.g! };
      }
      if (baseT.k !== 'struct') this.err(n, `member ${fname} of ${typeName(baseT)}, which is not a struct`);
      if (!baseT.fields) this.err(n, `struct ${baseT.name} is incomplete`);
      const f = baseT.fields.find((x) => x.name === fname);
      if (!f) this.err(field(n, 'field')!, `struct ${baseT.name} has no member named ${fname}`);
      const sub = (l: unknown): unknown => memberLoc(l, fname, where);
      if (baseLoc.p) {
        const bp = baseLoc.p;
        return { t: f.type, loc: { p: (fr) => sub(bp(fr)) } };
      }
      const bg = baseLoc.g!;
      return {
        t: f.type,
        loc: {
          g: function* (fr) {
            return sub(yield* bg(fr));
          },
        },
      };
    }
    case 'pointer_expression': {
      if (field(n, 'operator')!.text !== '*') return this.err(n, `${n.text} is not an object`);
      const p = this.expr(field(n, 'argument')!);
      if (p.t.k !== 'ptr' && p.t.k !== 'array') this.err(n, `dereferencing ${typeName(p.t)}, which is not a pointer`);
      const t = p.t.k === 'ptr' ? p.t.to : p.t.of;
      if (t.k === 'void') this.err(n, 'dereferencing a void pointer');
      if (t.k === 'fn') return { t, loc: p.p ? { p: p.p } : { g: p.g! } };
      return { t, loc: p.p ? { p: p.p } : { g: p.g! } };
    }
    case 'call_expression':
    case 'cast_expression': {
      return this.err(n, `${n.text.slice(0, 40)} is not an object (it cannot be assigned or have its address taken)`);
    }
    default:
      return this.err(n, `${n.text.slice(0, 40)} is not an object`);
  }
}

/** Reading an lvalue: arrays decay to a pointer to their first element; sync objects are names. */
export function rvalue(this: Compiler, lv: E, n: PNode): E {
  const where = this.where(n);
  const t = lv.t;
  const l = lv.loc!;
  const st = this.statics;
  if (t.k === 'array') {
    const pt: CType = { k: 'ptr', to: t.of };
    const first = (x: unknown) =>
      isShr(x) ? { s: x.s, p: [...x.p, 0] } : isPriv(x) ? { box: x.box[x.key], key: 0 } : x;
    if (l.p) {
      const lp = l.p;
      return pure(pt, (fr) => first(lp(fr)));
    }
    const lg = l.g!;
    return gen(pt, function* (fr) {
      return first(yield* lg(fr));
    });
  }
  if (t.k === 'fn') return l.p ? pure({ k: 'ptr', to: t }, l.p) : gen({ k: 'ptr', to: t }, l.g!);
  if (t.k === 'sync' || t.k === 'opaque') {
    // Only their address is used (by library calls).
    return { t, ...(l.p && { p: l.p }), ...(l.g && { g: l.g }), loc: l };
  }
  if (l.p) {
    const lp = l.p;
    // A private scalar: a plain read, no step.
    return {
      t,
      loc: l,
      g: function* (fr) {
        return yield* read(st, lp(fr), t, where);
      },
      ...(this.isPrivateLvalue(n) ? { p: (fr: Frame) => privRead(lp(fr), where) } : {}),
    };
  }
  const lg = l.g!;
  return {
    t,
    loc: l,
    g: function* (fr) {
      return yield* read(st, yield* lg(fr), t, where);
    },
  };
}

/** True when the lvalue is certainly in the frame: a private local, or an element/member of one. */
export function isPrivateLvalue(this: Compiler, n: PNode): boolean {
  switch (n.type) {
    case 'parenthesized_expression':
      return this.isPrivateLvalue(named(n)[0]!);
    case 'identifier': {
      if (n.text === 'errno' && !this.lookup('errno')) return true;
      const v = this.lookup(n.text);
      return !!v && ((v.kind === 'local' && !v.shared) || v.kind === 'constdata');
    }
    case 'subscript_expression': {
      const a = field(n, 'argument')!;
      const at = this.lookupType(a);
      return at?.k === 'array' && this.isPrivateLvalue(a) && this.isPureExpr(field(n, 'index')!);
    }
    case 'field_expression':
      return field(n, 'operator')!.text === '.' && this.isPrivateLvalue(field(n, 'argument')!);
    default:
      return false;
  }
}

export function lookupType(this: Compiler, n: PNode): CType | undefined {
  try {
    return this.lvalue(n).t;
  } catch {
    return undefined;
  }
}

export function isPureExpr(this: Compiler, n: PNode): boolean {
  try {
    return !!this.expr(n).p;
  } catch {
    return false;
  }
}
