// Expressions: literals, identifiers (variables, constants, functions, the headers' names) and the
// dispatch over expression kinds.
import type { Compiler } from './compile.ts';
import { CONSTS, MUTEX_INITS, SIG_IGN_VALUE } from './consts.ts';
import { arith, type E, gen, pure, stringValue } from './forms.ts';
import { BUILTINS } from './lib/index.ts';
import { field, named, type PNode } from './parse.ts';
import { conv, truthy } from './runtime.ts';
import { BUILTIN_TYPEDEFS, type CType, isArith, sizeOf, T, typeName, voidPtr } from './types.ts';

export function convertTo(this: Compiler, e: E, t: CType, n: PNode): E {
  if (t.k === 'struct' || t.k === 'array' || t.k === 'void') return e;
  if (t.k === 'ptr' && e.t.k === 'float') this.err(n, `converting ${typeName(e.t)} to a pointer`);
  if (e.p) {
    const p = e.p;
    return pure(t, (fr) => conv(t, p(fr)), e.k !== undefined ? conv(t, e.k) : undefined);
  }
  const g = e.g!;
  return gen(t, function* (fr) {
    return conv(t, yield* g(fr));
  });
}

export function expr(this: Compiler, n: PNode): E {
  let e = this.exprMemo.get(n);
  if (!e) {
    e = this.exprUncached(n);
    this.exprMemo.set(n, e);
  }
  return e;
}

export function lvalue(this: Compiler, n: PNode): E {
  let e = this.lvalueMemo.get(n);
  if (!e) {
    e = this.lvalueUncached(n);
    this.lvalueMemo.set(n, e);
  }
  return e;
}

export function exprUncached(this: Compiler, n: PNode): E {
  switch (n.type) {
    case 'number_literal':
      return this.number(n);
    case 'char_literal': {
      const v = stringValue(n, "'").charCodeAt(0) || 0;
      return pure(T.int, () => v, v);
    }
    case 'string_literal':
    case 'concatenated_string': {
      const s =
        n.type === 'string_literal'
          ? stringValue(n)
          : named(n)
              .map((c) => stringValue(c))
              .join('');
      const v = { str: s, i: 0 };
      return { t: { k: 'array', of: T.char, n: s.length + 1 }, p: () => v, k: v };
    }
    case 'true':
      return pure(T.bool, () => 1, 1);
    case 'false':
      return pure(T.bool, () => 0, 0);
    case 'null':
      return pure(voidPtr, () => 0, 0);
    case 'parenthesized_expression':
      if (named(n)[0]?.type === 'compound_statement')
        return this.err(n, 'statement expressions ({ ... }) are outside the supported subset of C');
      return this.expr(named(n)[0]!);
    case 'identifier':
      return this.ident(n);
    case 'field_expression':
    case 'subscript_expression':
      return this.rvalue(this.lvalue(n), n);
    case 'pointer_expression': {
      const op = field(n, 'operator')!.text;
      const arg = field(n, 'argument')!;
      if (op === '&') {
        if (arg.type === 'identifier' && this.fns.has(arg.text) && !this.lookupLocal(arg.text)) return this.ident(arg);
        const lv = this.lvalue(arg);
        const t: CType = { k: 'ptr', to: lv.t };
        const l = lv.loc!;
        return l.p ? pure(t, l.p) : gen(t, l.g!);
      }
      return this.rvalue(this.lvalue(n), n);
    }
    case 'unary_expression':
      return this.unary(n);
    case 'binary_expression':
      return this.binary(n);
    case 'update_expression':
      return this.update(n);
    case 'assignment_expression':
      return this.assign(n);
    case 'conditional_expression': {
      const c = this.expr(field(n, 'condition')!);
      const a = this.expr(field(n, 'consequence')!);
      const b = this.expr(field(n, 'alternative')!);
      const t = isArith(a.t) && isArith(b.t) ? arith(a.t, b.t) : a.t.k === 'ptr' ? a.t : b.t;
      if (c.p && a.p && b.p) {
        const [cp, ap, bp] = [c.p, a.p, b.p];
        return pure(t, (fr) => (truthy(cp(fr)) ? ap(fr) : bp(fr)));
      }
      return gen(t, function* (fr) {
        return truthy(c.p ? c.p(fr) : yield* c.g!(fr))
          ? a.p
            ? a.p(fr)
            : yield* a.g!(fr)
          : b.p
            ? b.p(fr)
            : yield* b.g!(fr);
      });
    }
    case 'comma_expression': {
      const a = this.expr(field(n, 'left')!);
      const b = this.expr(field(n, 'right')!);
      if (a.p && b.p) {
        const [ap, bp] = [a.p, b.p];
        return pure(b.t, (fr) => (ap(fr), bp(fr)));
      }
      return gen(b.t, function* (fr) {
        a.p ? a.p(fr) : yield* a.g!(fr);
        return b.p ? b.p(fr) : yield* b.g!(fr);
      });
    }
    case 'cast_expression': {
      const t = this.typeDescriptor(field(n, 'type')!);
      const v = this.expr(field(n, 'value')!);
      if (t.k === 'int' && t.bits < 64 && (v.t.k === 'ptr' || v.t.k === 'array')) {
        this.err(n, `casting a pointer to ${typeName(t)}, which cannot hold it (cast through intptr_t or long)`);
      }
      if (t.k === 'void') return v.p ? pure(T.void, v.p) : gen(T.void, v.g!);
      return this.convertTo(v, t, n);
    }
    case 'sizeof_expression': {
      const tn = field(n, 'type');
      let size: number;
      if (tn) size = sizeOf(this.typeDescriptor(tn));
      else {
        let vn = field(n, 'value')!;
        while (vn.type === 'parenthesized_expression') vn = named(vn)[0]!;
        // sizeof an array is the array's size: its type before decaying to a pointer.
        const lt = ['identifier', 'field_expression', 'subscript_expression', 'pointer_expression'].includes(vn.type)
          ? this.lookupType(vn)
          : undefined;
        // sizeof (pid_t): tree-sitter parses a typedef name in parentheses as an expression when it
        // does not know the name is a type (a system typedef, or one inside a macro argument).
        const td =
          vn.type === 'identifier' && !lt ? (this.typedefs.get(vn.text) ?? BUILTIN_TYPEDEFS[vn.text]) : undefined;
        size = sizeOf(td ?? (lt && lt.k !== 'fn' ? lt : this.expr(vn).t));
      }
      return pure(BUILTIN_TYPEDEFS.size_t!, () => size, size);
    }
    case 'call_expression':
      return this.call(n);
    case 'compound_literal_expression': {
      const t = this.typeDescriptor(field(n, 'type')!);
      const b = this.initValue(t, field(n, 'value')!);
      return gen(t, b);
    }
    case 'initializer_list':
      return this.err(n, 'an initializer list is only allowed in a declaration');
    case 'gnu_asm_expression':
      return this.err(n, 'inline asm is outside the supported subset of C');
    case 'statement_expression':
    case 'compound_statement':
      return this.err(n, 'statement expressions ({ ... }) are outside the supported subset of C');
    case 'generic_expression':
      return this.err(n, '_Generic is outside the supported subset of C');
    case 'ERROR':
      return this.err(n, 'syntax error');
    default:
      return this.err(n, `unsupported expression ${n.text.slice(0, 40)} (${n.type})`);
  }
}

export function number(this: Compiler, n: PNode): E {
  const raw = n.text.replace(/'/g, '');
  const isFloat = /[.eEpP]/.test(raw) && !/^0[xX][0-9a-fA-F]+$/.test(raw.replace(/[uUlL]+$/, ''));
  if (isFloat) {
    const v = Number.parseFloat(raw.replace(/[fFlL]$/, ''));
    return pure(T.double, () => v, v);
  }
  const suffix = /[uUlL]+$/.exec(raw)?.[0] ?? '';
  const digits = raw.slice(0, raw.length - suffix.length);
  let v: number;
  if (/^0[xX]/.test(digits)) v = Number.parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) v = Number.parseInt(digits.slice(2), 2);
  else if (/^0[0-7]+$/.test(digits)) v = Number.parseInt(digits.slice(1), 8);
  else v = Number(digits);
  if (!Number.isFinite(v)) this.err(n, `bad number ${n.text}`);
  const u = /u/i.test(suffix);
  const l = /l/i.test(suffix) || v > 0x7fffffff;
  const t: CType = l ? (u ? T.ulong : T.long) : u ? T.uint : T.int;
  return pure(t, () => v, v);
}

export function ident(this: Compiler, n: PNode): E {
  const name = n.text;
  const v = this.lookup(name);
  if (v) {
    if (v.kind === 'enum' || v.kind === 'const') {
      const val = v.value;
      return pure(v.type, () => val, val);
    }
    return this.rvalue(this.lvalue(n), n);
  }
  const f = this.fns.get(name);
  if (f) {
    const fp = { fn: name };
    return pure({ k: 'ptr', to: f.type }, () => fp, fp);
  }
  if (BUILTINS[name] && !(name in CONSTS)) {
    const b = BUILTINS[name];
    this.needHeader(n, name, b.h);
    const fp = { fn: name };
    return pure({ k: 'ptr', to: { k: 'fn', ret: T.int, params: [], variadic: true } }, () => fp, fp);
  }
  const c = CONSTS[name];
  if (c) {
    this.needHeader(n, name, c[1]);
    const val = c[0];
    return pure(T.int, () => val, val);
  }
  switch (name) {
    case '__func__':
    case '__FUNCTION__': {
      const v = { str: this.fnName, i: 0 };
      return { t: { k: 'array', of: T.char, n: this.fnName.length + 1 }, p: () => v, k: v };
    }
    case 'errno':
      this.needHeader(n, 'errno', ['errno.h']);
      return this.rvalue(this.lvalue(n), n);
    case 'stdin':
    case 'stdout':
    case 'stderr': {
      this.needHeader(n, name, ['stdio.h']);
      const v = { str: `<${name}>`, i: 0, file: name };
      return pure({ k: 'ptr', to: BUILTIN_TYPEDEFS.FILE! }, () => v, v);
    }
    case 'SIG_DFL':
      return pure(voidPtr, () => 0, 0);
    case 'SIG_IGN':
      // glibc's <signal.h>: #define SIG_IGN ((__sighandler_t) 1)
      this.needHeader(n, name, ['signal.h']);
      return pure(voidPtr, () => SIG_IGN_VALUE, SIG_IGN_VALUE);
    case 'SIG_ERR':
      // #define SIG_ERR ((__sighandler_t) -1)
      this.needHeader(n, name, ['signal.h']);
      return pure(voidPtr, () => -1, -1);
    case 'NULL':
      return this.err(
        n,
        'NULL is defined in <stddef.h>, <stdio.h>, <stdlib.h> or <string.h>, none of which this file includes',
      );
  }
  if (MUTEX_INITS[name] || name === 'PTHREAD_COND_INITIALIZER')
    this.err(n, `${name} is only allowed as the initializer of a declaration`);
  return this.err(n, `unknown identifier ${name}`);
}
