// #if and #elif: defined(X) and defined X, then macro expansion, then an integer constant expression
// with C's precedence (identifiers left after expansion are 0, as C11 6.10.1p4 says).
import type { Expander } from './expand.ts';
import { CError, type Tok } from './tokens.ts';

/** The truth of a #if expression (`toks` after the directive's name). */
export function evalIf(toks: Tok[], line: number, indent: number, ex: Expander): boolean {
  // defined(X) and defined X first, then expand, then unknown identifiers are 0.
  const pre: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k === 'id' && t.v === 'defined') {
      let nameTok = toks[i + 1];
      if (nameTok?.v === '(') {
        nameTok = toks[i + 2];
        if (toks[i + 3]?.v !== ')') throw new CError('defined( needs a closing )', line, t.col + indent + 2);
        i += 3;
      } else i += 1;
      if (nameTok?.k !== 'id') throw new CError('defined needs a macro name', line, t.col + indent + 2);
      pre.push({ k: 'num', v: ex.macros.has(nameTok.v) ? '1' : '0', col: t.col });
    } else pre.push(t);
  }
  const expanded = ex.expandTokens(pre, new Set(), line).filter((t) => t.k !== 'ws');
  let i = 0;
  const fail = (msg: string): never => {
    throw new CError(`#if: ${msg}`, line, indent + 1);
  };
  const num = (t: Tok): number => {
    if (t.k === 'id') return 0;
    if (t.k === 'chr') return t.v.charCodeAt(1);
    const v = Number.parseInt(
      t.v.replace(/[uUlL]+$/, ''),
      t.v.startsWith('0x') || t.v.startsWith('0X') ? 16 : t.v.length > 1 && t.v.startsWith('0') ? 8 : 10,
    );
    if (Number.isNaN(v)) fail(`'${t.v}' is not a number`);
    return v;
  };
  const PREC: Record<string, number> = {
    '||': 1,
    '&&': 2,
    '|': 3,
    '^': 4,
    '&': 5,
    '==': 6,
    '!=': 6,
    '<': 7,
    '>': 7,
    '<=': 7,
    '>=': 7,
    '<<': 8,
    '>>': 8,
    '+': 9,
    '-': 9,
    '*': 10,
    '/': 10,
    '%': 10,
  };
  const unary = (): number => {
    const t = expanded[i++];
    if (!t) return fail('expression ends early');
    if (t.v === '(') {
      const v = cond();
      if (expanded[i++]?.v !== ')') fail("missing ')'");
      return v;
    }
    if (t.v === '!') return unary() ? 0 : 1;
    if (t.v === '-') return -unary();
    if (t.v === '+') return unary();
    if (t.v === '~') return ~unary();
    if (t.k === 'num' || t.k === 'id' || t.k === 'chr') return num(t);
    return fail(`unexpected '${t.v}'`);
  };
  const binary = (min: number): number => {
    let l = unary();
    for (;;) {
      const op = expanded[i]?.v ?? '';
      const p = PREC[op];
      if (p === undefined || p < min) return l;
      i++;
      const r = binary(p + 1);
      switch (op) {
        case '||':
          l = l || r ? 1 : 0;
          break;
        case '&&':
          l = l && r ? 1 : 0;
          break;
        case '|':
          l |= r;
          break;
        case '^':
          l ^= r;
          break;
        case '&':
          l &= r;
          break;
        case '==':
          l = l === r ? 1 : 0;
          break;
        case '!=':
          l = l !== r ? 1 : 0;
          break;
        case '<':
          l = l < r ? 1 : 0;
          break;
        case '>':
          l = l > r ? 1 : 0;
          break;
        case '<=':
          l = l <= r ? 1 : 0;
          break;
        case '>=':
          l = l >= r ? 1 : 0;
          break;
        case '<<':
          l <<= r;
          break;
        case '>>':
          l >>= r;
          break;
        case '+':
          l += r;
          break;
        case '-':
          l -= r;
          break;
        case '*':
          l *= r;
          break;
        case '/':
          l = r === 0 ? fail('division by zero') : Math.trunc(l / r);
          break;
        case '%':
          l = r === 0 ? fail('division by zero') : l % r;
          break;
      }
    }
  };
  const cond = (): number => {
    const c = binary(1);
    if (expanded[i]?.v === '?') {
      i++;
      const a = cond();
      if (expanded[i++]?.v !== ':') fail("missing ':'");
      const b = cond();
      return c ? a : b;
    }
    return c;
  };
  if (expanded.length === 0) fail('no expression');
  const v = cond();
  if (i < expanded.length) fail(`unexpected '${expanded[i]!.v}'`);
  return v !== 0;
}
