// Statements and control flow: blocks (with goto to a label), if, while, do, for, switch, break, continue, return.
import type { Compiler } from './compile.ts';
import { BRK, Comp, type Completion, CONT, type E, type Frame, mkPure, runaway, type S } from './forms.ts';
import { field, named, type PNode } from './parse.ts';
import { type G, truthy } from './runtime.ts';

export function block(this: Compiler, n: PNode, newScope = true): S {
  if (newScope) this.scopes.push(new Map());
  const items = n.children.filter((c) => c.named);
  const labels = new Map<string, number>();
  const collect = (c: PNode, i: number) => {
    if (c.type === 'labeled_statement') {
      labels.set(field(c, 'label')!.text, i);
      const inner = c.children.find((x) => x.named && x.field !== 'label');
      if (inner) collect(inner, i);
    }
  };
  items.forEach((c, i) => collect(c, i));
  this.labels.push(new Set(labels.keys()));
  const stmts = items.map((c) => this.stmt(c));
  this.labels.pop();
  if (newScope) this.scopes.pop();
  const len = stmts.length;
  const hasLabels = labels.size > 0;
  const pures = stmts.map((x) => x.pure);
  if (!hasLabels && pures.every((x) => x)) {
    return mkPure((fr) => {
      for (let i = 0; i < len; i++) {
        const c = pures[i]!(fr);
        if (c instanceof Comp) return c;
      }
      return undefined;
    });
  }
  return function* (fr: Frame): G<Completion> {
    for (let i = 0; i < len; i++) {
      const p = pures[i];
      const c = p ? p(fr) : yield* stmts[i]!(fr);
      if (c instanceof Comp) {
        if (hasLabels && c.k === 'go' && labels.has(c.v as string)) {
          i = labels.get(c.v as string)! - 1;
          if (--fr.ctx.fuel < 0) throw runaway('a goto loop');
          continue;
        }
        return c;
      }
    }
    return undefined;
  };
}

export function stmt(this: Compiler, n: PNode): S {
  const where = this.where(n);
  switch (n.type) {
    case 'compound_statement':
      return this.block(n);
    case 'declaration':
      return this.localDeclaration(n);
    case 'expression_statement': {
      const e = named(n)[0];
      if (!e) return mkPure(() => undefined);
      const x = this.expr(e);
      if (x.p) {
        const p = x.p;
        return mkPure((fr) => {
          p(fr);
          return undefined;
        });
      }
      // The expression's value is not a Comp, so the block ignores it: no wrapper needed.
      return x.g!;
    }
    case 'if_statement': {
      const c = this.cond(field(n, 'condition')!);
      const a = this.stmt(field(n, 'consequence')!);
      const alt = field(n, 'alternative');
      const b = alt ? this.stmt(alt.type === 'else_clause' ? named(alt)[0]! : alt) : null;
      if (c.p && a.pure && (!b || b.pure)) {
        const [cp, ap, bp] = [c.p, a.pure, b?.pure];
        return mkPure((fr) => (truthy(cp(fr)) ? ap(fr) : bp ? bp(fr) : undefined));
      }
      return function* (fr) {
        if (truthy(c.p ? c.p(fr) : yield* c.g!(fr))) return yield* a(fr);
        return b ? yield* b(fr) : undefined;
      };
    }
    case 'while_statement': {
      const c = this.cond(field(n, 'condition')!);
      const body = this.loopBody(field(n, 'body')!);
      return function* (fr) {
        while (truthy(c.p ? c.p(fr) : yield* c.g!(fr))) {
          const r = body.pure ? body.pure(fr) : yield* body(fr);
          if (r instanceof Comp) {
            if (r === BRK) break;
            if (r !== CONT) return r;
          }
          if (--fr.ctx.fuel < 0) throw runaway(`the while loop at ${where}`);
        }
        return undefined;
      };
    }
    case 'do_statement': {
      const c = this.cond(field(n, 'condition')!);
      const body = this.loopBody(field(n, 'body')!);
      return function* (fr) {
        do {
          const r = body.pure ? body.pure(fr) : yield* body(fr);
          if (r instanceof Comp) {
            if (r === BRK) break;
            if (r !== CONT) return r;
          }
          if (--fr.ctx.fuel < 0) throw runaway(`the do loop at ${where}`);
        } while (truthy(c.p ? c.p(fr) : yield* c.g!(fr)));
        return undefined;
      };
    }
    case 'for_statement': {
      this.scopes.push(new Map());
      const initN = field(n, 'initializer');
      const init = initN
        ? initN.type === 'declaration'
          ? this.localDeclaration(initN)
          : this.stmtOfExpr(initN)
        : null;
      const condN = field(n, 'condition');
      const c = condN ? this.cond(condN) : null;
      const updN = field(n, 'update');
      const upd = updN ? this.expr(updN) : null;
      const body = this.loopBody(field(n, 'body')!);
      this.scopes.pop();
      return function* (fr) {
        if (init) yield* init(fr);
        for (;;) {
          if (c && !truthy(c.p ? c.p(fr) : yield* c.g!(fr))) break;
          const r = body.pure ? body.pure(fr) : yield* body(fr);
          if (r instanceof Comp) {
            if (r === BRK) break;
            if (r !== CONT) return r;
          }
          if (upd) upd.p ? upd.p(fr) : yield* upd.g!(fr);
          if (--fr.ctx.fuel < 0) throw runaway(`the for loop at ${where}`);
        }
        return undefined;
      };
    }
    case 'return_statement': {
      const en = named(n)[0];
      if (!en) return mkPure(() => new Comp('ret', undefined));
      const e = this.expr(en);
      if (e.p) {
        const p = e.p;
        return mkPure((fr) => new Comp('ret', p(fr)));
      }
      return function* (fr) {
        return new Comp('ret', e.p ? e.p(fr) : yield* e.g!(fr));
      };
    }
    case 'break_statement':
      if (this.loopDepth === 0 && this.switchDepth === 0) this.err(n, 'break outside a loop or switch');
      return mkPure(() => BRK);
    case 'continue_statement':
      if (this.loopDepth === 0) this.err(n, 'continue outside a loop');
      return mkPure(() => CONT);
    case 'goto_statement': {
      const label = field(n, 'label')!.text;
      if (!this.labels.some((s) => s.has(label))) {
        this.err(
          n,
          `goto ${label}: the label must be in this block or an enclosing one (jumping into a block is outside the supported subset)`,
        );
      }
      const c = new Comp('go', label);
      return mkPure(() => c);
    }
    case 'labeled_statement': {
      const inner = n.children.find((x) => x.named && x.field !== 'label');
      return inner
        ? this.stmt(inner)
        : function* () {
            return undefined;
          };
    }
    case 'switch_statement':
      return this.switchStmt(n);
    case 'case_statement':
      return this.err(n, 'case label outside a switch');
    case 'gnu_asm_expression':
    case 'asm_statement':
      return this.err(n, 'inline asm is outside the supported subset of C');
    case 'type_definition':
      this.topLevel(n);
      return function* () {
        return undefined;
      };
    // `enum { N = array_length (buf) };` in a function: its constants, from here on.
    case 'enum_specifier':
    case 'struct_specifier':
      this.baseType(n);
      return function* () {
        return undefined;
      };
    case 'ERROR':
      return this.err(n, 'syntax error');
    default:
      return this.err(n, `unsupported statement (${n.type})`);
  }
}

export function stmtOfExpr(this: Compiler, n: PNode): S {
  const e = this.expr(n);
  return function* (fr) {
    e.p ? e.p(fr) : yield* e.g!(fr);
    return undefined;
  };
}

export function loopBody(this: Compiler, n: PNode): S {
  this.loopDepth++;
  const s = this.stmt(n);
  this.loopDepth--;
  return s;
}

export function cond(this: Compiler, n: PNode): E {
  return this.expr(n.type === 'parenthesized_expression' ? named(n)[0]! : n);
}

export function switchStmt(this: Compiler, n: PNode): S {
  const c = this.cond(field(n, 'condition')!);
  const body = field(n, 'body')!;
  this.scopes.push(new Map());
  this.switchDepth++;
  const cases: { v: unknown; at: number }[] = [];
  const stmts: S[] = [];
  const labels = new Map<string, number>();
  for (const cs of named(body)) {
    if (cs.type !== 'case_statement') {
      this.err(cs, 'statements before the first case label are outside the supported subset');
    }
    const vn = field(cs, 'value');
    const v = vn ? this.constant(vn) : null;
    if (cases.some((x) => x.v === v)) this.err(cs, vn ? `duplicate case ${vn.text}` : 'duplicate default');
    cases.push({ v, at: stmts.length });
    for (const s of cs.children.filter((x) => x.named && x.field !== 'value')) {
      if (s.type === 'labeled_statement') labels.set(field(s, 'label')!.text, stmts.length);
      stmts.push(this.stmt(s));
    }
  }
  this.switchDepth--;
  this.scopes.pop();
  const def = cases.find((x) => x.v === null);
  return function* (fr) {
    const v = c.p ? c.p(fr) : yield* c.g!(fr);
    const hit = cases.find((x) => x.v !== null && x.v === v) ?? def;
    if (!hit) return undefined;
    for (let i = hit.at; i < stmts.length; i++) {
      const r = yield* stmts[i]!(fr);
      if (r instanceof Comp) {
        if (r === BRK) return undefined;
        if (r.k === 'go' && labels.has(r.v as string)) {
          i = labels.get(r.v as string)! - 1;
          continue;
        }
        return r;
      }
    }
    return undefined;
  };
}
