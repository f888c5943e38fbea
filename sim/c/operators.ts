// Operators: unary, binary (integer, floating and pointer arithmetic, comparisons), ++/--, assignment.
import { casLoop, RMW_OF, rmwAt } from './atomic.ts';
import type { Compiler } from './compile.ts';
import { arith, bitop, type E, gen, mul, num, privRead, promote, ptrDiff, pure } from './forms.ts';
import { field, type PNode } from './parse.ts';
import { clone, conv, CRuntimeError, offset, ptrEq, read, truthy, write } from './runtime.ts';
import { BUILTIN_TYPEDEFS, type CType, isArith, isInt, isScalar, T, typeName } from './types.ts';

export function unary(this: Compiler, n: PNode): E {
  return unaryOf(field(n, 'operator')!.text, this.expr(field(n, 'argument')!), this.where(n));
}

function unaryOf(op: string, a: E, where: string): E {
  const t: CType = op === '!' ? T.int : isInt(a.t) ? promote(a.t) : a.t;
  const f = (v: unknown): unknown => {
    switch (op) {
      case '!':
        return truthy(v) ? 0 : 1;
      case '-':
        return conv(t, -num(v, where));
      case '+':
        return num(v, where);
      case '~':
        return conv(t, ~num(v, where));
      default:
        throw new CRuntimeError(`${where}: unsupported operator ${op}`);
    }
  };
  if (a.p) {
    const ap = a.p;
    const k = a.k !== undefined ? f(a.k) : undefined;
    return pure(t, (fr) => f(ap(fr)), k);
  }
  return gen(t, function* (fr) {
    return f(a.p ? a.p(fr) : yield* a.g!(fr));
  });
}

/**
 * `(off_t) -1`: tree-sitter reads a parenthesized name it does not know as a type (a system typedef)
 * as an operand, so the cast comes as a subtraction. A name that is a type and not a variable, in
 * parentheses before unary - or + and a primary expression, is that cast.
 */
function typedefCast(this: Compiler, n: PNode, op: string): E | null {
  if (op !== '-' && op !== '+') return null;
  const left = field(n, 'left')!;
  const right = field(n, 'right')!;
  if (left.type !== 'parenthesized_expression') return null;
  const inner = left.children.filter((c) => c.named);
  if (inner.length !== 1 || inner[0]!.type !== 'identifier') return null;
  const name = inner[0]!.text;
  const t = this.typedefs.get(name) ?? BUILTIN_TYPEDEFS[name];
  if (!t || this.lookupType(inner[0]!) !== undefined) return null;
  const primary = ['number_literal', 'identifier', 'call_expression', 'parenthesized_expression', 'char_literal'];
  if (!primary.includes(right.type))
    return this.err(n, `(${name}) ${op} ... : write the cast's operand in parentheses, (${name}) (${op}...)`);
  return this.convertTo(unaryOf(op, this.expr(right), this.where(n)), t, n);
}

export function binary(this: Compiler, n: PNode): E {
  const op = field(n, 'operator')!.text;
  const cast = typedefCast.call(this, n, op);
  if (cast) return cast;
  const a = this.expr(field(n, 'left')!);
  const b = this.expr(field(n, 'right')!);
  const where = this.where(n);
  if (op === '&&' || op === '||') {
    const and = op === '&&';
    if (a.p && b.p) {
      const [ap, bp] = [a.p, b.p];
      const k =
        a.k !== undefined && b.k !== undefined
          ? (and ? truthy(a.k) && truthy(b.k) : truthy(a.k) || truthy(b.k))
            ? 1
            : 0
          : undefined;
      return pure(
        T.int,
        (fr) => ((and ? truthy(ap(fr)) && truthy(bp(fr)) : truthy(ap(fr)) || truthy(bp(fr))) ? 1 : 0),
        k,
      );
    }
    return gen(T.int, function* (fr) {
      const x = truthy(a.p ? a.p(fr) : yield* a.g!(fr));
      if (and ? !x : x) return x ? 1 : 0;
      return truthy(b.p ? b.p(fr) : yield* b.g!(fr)) ? 1 : 0;
    });
  }
  const f = this.binop(op, a.t, b.t, n, where);
  if (a.p && b.p) {
    const [ap, bp] = [a.p, b.p];
    let k: unknown;
    if (a.k !== undefined && b.k !== undefined) {
      try {
        k = f.f(a.k, b.k);
      } catch {
        k = undefined;
      }
    }
    return pure(f.t, (fr) => f.f(ap(fr), bp(fr)), k);
  }
  return gen(f.t, function* (fr) {
    const x = a.p ? a.p(fr) : yield* a.g!(fr);
    const y = b.p ? b.p(fr) : yield* b.g!(fr);
    return f.f(x, y);
  });
}

export function binop(
  this: Compiler,
  op: string,
  at: CType,
  bt: CType,
  n: PNode,
  where: string,
): { t: CType; f: (x: unknown, y: unknown) => unknown } {
  const ptrA = at.k === 'ptr' || at.k === 'array';
  const ptrB = bt.k === 'ptr' || bt.k === 'array';
  if (['==', '!=', '<', '>', '<=', '>='].includes(op)) {
    if (ptrA || ptrB) {
      if (op === '==' || op === '!=') {
        const eq = op === '==';
        return { t: T.int, f: (x, y) => (ptrEq(x, y) === eq ? 1 : 0) };
      }
      return {
        t: T.int,
        f: (x, y) => {
          const d = ptrDiff(x, y, where);
          return (op === '<' ? d < 0 : op === '>' ? d > 0 : op === '<=' ? d <= 0 : d >= 0) ? 1 : 0;
        },
      };
    }
    const ct = arith(at, bt);
    const unsigned = ct.k === 'int' && !ct.signed;
    return {
      t: T.int,
      f: (x, y) => {
        let p = num(x, where);
        let q = num(y, where);
        if (unsigned) {
          p = conv(ct, p) as number;
          q = conv(ct, q) as number;
        }
        switch (op) {
          case '==':
            return p === q ? 1 : 0;
          case '!=':
            return p !== q ? 1 : 0;
          case '<':
            return p < q ? 1 : 0;
          case '>':
            return p > q ? 1 : 0;
          case '<=':
            return p <= q ? 1 : 0;
          default:
            return p >= q ? 1 : 0;
        }
      },
    };
  }
  if ((op === '+' || op === '-') && (ptrA || ptrB)) {
    if (ptrA && ptrB) {
      if (op === '+') this.err(n, 'adding two pointers');
      return { t: BUILTIN_TYPEDEFS.ptrdiff_t!, f: (x, y) => ptrDiff(x, y, where) };
    }
    const pt: CType = ptrA
      ? at.k === 'array'
        ? { k: 'ptr', to: at.of }
        : at
      : bt.k === 'array'
        ? { k: 'ptr', to: bt.of }
        : bt;
    const sign = op === '-' ? -1 : 1;
    if (ptrA) return { t: pt, f: (x, y) => offset(x, sign * num(y, where), where) };
    if (op === '-') this.err(n, 'subtracting a pointer from an integer');
    return { t: pt, f: (x, y) => offset(y, num(x, where), where) };
  }
  if (ptrA || ptrB) this.err(n, `operator ${op} on a pointer (outside the supported subset)`);
  if (!isArith(at) || !isArith(bt)) this.err(n, `operator ${op} on ${typeName(isArith(at) ? bt : at)}`);
  const t = op === '<<' || op === '>>' ? promote(at as Extract<CType, { k: 'int' }>) : arith(at, bt);
  const isF = t.k === 'float';
  const c = (v: number) => conv(t, v);
  switch (op) {
    case '+':
      return { t, f: (x, y) => c(num(x, where) + num(y, where)) };
    case '-':
      return { t, f: (x, y) => c(num(x, where) - num(y, where)) };
    case '*':
      return { t, f: (x, y) => c(isF ? num(x, where) * num(y, where) : mul(num(x, where), num(y, where))) };
    case '/':
      return {
        t,
        f: (x, y) => {
          const q = num(y, where);
          if (!isF && q === 0) throw new CRuntimeError(`${where}: division by zero`);
          return c(isF ? num(x, where) / q : Math.trunc(num(x, where) / q));
        },
      };
    case '%':
      return {
        t,
        f: (x, y) => {
          const q = num(y, where);
          if (q === 0) throw new CRuntimeError(`${where}: division by zero`);
          return c(num(x, where) % q);
        },
      };
    case '&':
      return { t, f: (x, y) => c(bitop(num(x, where), num(y, where), '&')) };
    case '|':
      return { t, f: (x, y) => c(bitop(num(x, where), num(y, where), '|')) };
    case '^':
      return { t, f: (x, y) => c(bitop(num(x, where), num(y, where), '^')) };
    case '<<':
      return { t, f: (x, y) => c(num(x, where) * 2 ** num(y, where)) };
    case '>>':
      return { t, f: (x, y) => c(Math.floor(num(x, where) / 2 ** num(y, where))) };
    default:
      return this.err(n, `unsupported operator ${op}`);
  }
}

export function update(this: Compiler, n: PNode): E {
  const argN = field(n, 'argument')!;
  const lv = this.lvalue(argN);
  const opNode = field(n, 'operator') ?? n.children.find((c) => c.text === '++' || c.text === '--')!;
  const prefix = n.children[0] === opNode || n.children[0]!.text === opNode.text;
  const delta = opNode.text === '++' ? 1 : -1;
  const t = lv.t;
  const where = this.where(n);
  const st = this.statics;
  const l = lv.loc!;
  if (!isScalar(t)) this.err(n, `${opNode.text} on ${typeName(t)}`);
  const step = (v: unknown) => (t.k === 'ptr' ? offset(v, delta, where) : conv(t, num(v, where) + delta));
  if (l.p && this.isPrivateLvalue(argN)) {
    const lp = l.p;
    return pure(t, (fr) => {
      const loc = lp(fr) as { box: Record<string | number, unknown>; key: string | number };
      const old = privRead(loc, where);
      const nv = step(old);
      loc.box[loc.key] = nv;
      return prefix ? nv : old;
    });
  }
  if (t.k === 'int' && t.atomic) {
    // An atomic ++ or -- is one read-modify-write (lock xadd), not a load and a store.
    return gen(t, function* (fr) {
      const loc = l.p ? l.p(fr) : yield* l.g!(fr);
      const old = yield* rmwAt(st, loc, t, 'add', delta, where);
      return prefix ? conv(t, num(old, where) + delta) : old;
    });
  }
  return gen(t, function* (fr) {
    const loc = l.p ? l.p(fr) : yield* l.g!(fr);
    const old = yield* read(st, loc, t, where);
    const nv = step(old);
    yield* write(st, loc, t, nv, where);
    return prefix ? nv : old;
  });
}

export function assign(this: Compiler, n: PNode): E {
  const op = field(n, 'operator')!.text;
  const leftN = field(n, 'left')!;
  const lv = this.lvalue(leftN);
  const right = this.expr(field(n, 'right')!);
  const t = lv.t;
  const where = this.where(n);
  const st = this.statics;
  const l = lv.loc!;
  if (t.k === 'sync' || t.k === 'opaque') this.err(n, `assigning a ${typeName(t)} (use the library's init call)`);
  if (t.k === 'array') this.err(n, 'assigning to an array');
  let combine: ((x: unknown, y: unknown) => unknown) | null = null;
  if (op !== '=') combine = this.binop(op.slice(0, -1), t, right.t, n, where).f;
  if (op === '=' && t.k === 'ptr' && isInt(right.t) && right.k !== 0 && right.k !== undefined)
    this.err(n, 'assigning an integer to a pointer without a cast');
  const privFast = l.p && this.isPrivateLvalue(leftN) && right.p;
  if (privFast) {
    const [lp, rp] = [l.p!, right.p!];
    return pure(t, (fr) => {
      const loc = lp(fr) as { box: Record<string | number, unknown>; key: string | number };
      const r = rp(fr);
      const v = conv(t, combine ? combine(privRead(loc, where), r) : r);
      privRead(loc, where);
      loc.box[loc.key] = t.k === 'struct' ? clone(v) : v;
      return v;
    });
  }
  if (combine && t.k === 'int' && t.atomic) {
    // C11 6.5.16.2: a compound assignment to an atomic object is one atomic read-modify-write.
    const f = RMW_OF[op];
    const c = combine;
    return gen(t, function* (fr) {
      const loc = l.p ? l.p(fr) : yield* l.g!(fr);
      const r = right.p ? right.p(fr) : yield* right.g!(fr);
      if (!f) return yield* casLoop(st, loc, t, (old) => c(old, r), where);
      return conv(t, c(yield* rmwAt(st, loc, t, f, r, where), r));
    });
  }
  return gen(t, function* (fr) {
    const loc = l.p ? l.p(fr) : yield* l.g!(fr);
    const r = right.p ? right.p(fr) : yield* right.g!(fr);
    const v = conv(t, combine ? combine(yield* read(st, loc, t, where), r) : r);
    yield* write(st, loc, t, v, where);
    return v;
  });
}
