// Local variables: which locals' addresses escape (those live in process memory, so each access is a
// step), scopes, and the storage and initialisation of a local at its declaration.
import * as L from '../api/index.ts';
import type { Compiler } from './compile.ts';
import { MUTEX_INITS } from './consts.ts';
import { type Frame, initCount, mkPure, type S, stringValue, type VarInfo, writeNonZero } from './forms.ts';
import { BUILTINS } from './lib/index.ts';
import { field, fields, named, type PNode } from './parse.ts';
import { clone, type G, zero } from './runtime.ts';
import type { CType } from './types.ts';

/** Names of locals whose address escapes: taken anywhere except as a direct argument of a library call. */
export function escapeAnalysis(this: Compiler, body: PNode): Set<string> {
  const out = new Set<string>();
  const arrays = new Set<string>();
  const collectArrays = (n: PNode) => {
    if (n.type === 'array_declarator') {
      let d: PNode | undefined = n;
      while (d && d.type !== 'identifier') d = field(d, 'declarator');
      if (d) arrays.add(d.text);
    }
    n.children.forEach(collectArrays);
  };
  collectArrays(body);
  const baseName = (n: PNode): string | null => {
    while (
      n.type === 'field_expression' ||
      n.type === 'subscript_expression' ||
      n.type === 'parenthesized_expression'
    ) {
      if (n.type === 'field_expression' && field(n, 'operator')?.text === '->') return null;
      if (n.type === 'subscript_expression' && !arrays.has(baseName(field(n, 'argument')!) ?? '')) return null;
      n = n.type === 'parenthesized_expression' ? named(n)[0]! : field(n, 'argument')!;
    }
    return n.type === 'identifier' ? n.text : null;
  };
  const walk = (n: PNode, libArg: boolean) => {
    if (n.type === 'pointer_expression' && field(n, 'operator')?.text === '&') {
      const b = baseName(field(n, 'argument')!);
      if (b && !libArg) out.add(b);
      walk(field(n, 'argument')!, false);
      return;
    }
    if (n.type === 'identifier' && arrays.has(n.text) && !libArg) out.add(n.text);
    if (n.type === 'subscript_expression') {
      const a = field(n, 'argument')!;
      if (!(a.type === 'identifier' && arrays.has(a.text))) walk(a, false);
      walk(field(n, 'index')!, false);
      return;
    }
    if (n.type === 'field_expression') {
      const a = field(n, 'argument')!;
      if (!(a.type === 'identifier' && field(n, 'operator')?.text === '.')) walk(a, false);
      return;
    }
    if (n.type === 'sizeof_expression') return;
    if (n.type === 'declaration') {
      for (const d of fields(n, 'declarator')) {
        const v = d.type === 'init_declarator' ? field(d, 'value') : undefined;
        if (v) walk(v, false);
      }
      return;
    }
    if (n.type === 'call_expression') {
      const fnode = field(n, 'function')!;
      const isLib = fnode.type === 'identifier' && !this.fns.get(fnode.text)?.node && !!BUILTINS[fnode.text];
      const esc = isLib ? (BUILTINS[fnode.text]!.esc ?? []) : [];
      walk(fnode, false);
      named(field(n, 'arguments')!).forEach((a, i) => walk(a, isLib && !esc.includes(i)));
      return;
    }
    if (n.type === 'parenthesized_expression' || n.type === 'cast_expression') {
      for (const c of n.children) walk(c, libArg && c.type !== 'type_descriptor' ? libArg : false);
      return;
    }
    for (const c of n.children) walk(c, false);
  };
  walk(body, false);
  return out;
}

export function declareLocal(this: Compiler, name: string, t: CType, n: PNode): VarInfo {
  const scope = this.scopes[this.scopes.length - 1]!;
  if (scope.has(name)) this.err(n, `redeclaration of ${name}`);
  const shared = t.k === 'sync' || this.escaping.has(name);
  const v: VarInfo = { kind: 'local', name, type: t, slot: this.nslots++, shared };
  scope.set(name, v);
  return v;
}

export function lookup(this: Compiler, name: string): VarInfo | undefined {
  for (let i = this.scopes.length - 1; i >= 0; i--) {
    const v = this.scopes[i]!.get(name);
    if (v) return v;
  }
  return this.globals.get(name);
}

export function lookupLocal(this: Compiler, name: string): VarInfo | undefined {
  for (let i = this.scopes.length - 1; i >= 0; i--) {
    const v = this.scopes[i]!.get(name);
    if (v) return v;
  }
  return undefined;
}

export function localDeclaration(this: Compiler, n: PNode): S {
  const bt = this.declType(n);
  const { isStatic, isExtern, isThread } = this.storage(n);
  if (isThread && !isStatic && !isExtern)
    this.err(n, 'a thread-local variable in a function must be static (it would be an automatic one)');
  const parts: S[] = [];
  for (const d of fields(n, 'declarator')) {
    const r = this.declarator(bt, d);
    if (r.type.k === 'fn' || isExtern) {
      if (r.type.k === 'fn' && !this.fns.has(r.name) && !BUILTINS[r.name])
        this.fns.set(r.name, { name: r.name, type: r.type, node: null });
      continue;
    }
    const init = d.type === 'init_declarator' ? field(d, 'value') : undefined;
    let t = r.type;
    if (t.k === 'array' && t.n === null && init) t = { ...t, n: initCount(init) };
    const cv = isStatic && this.storage(n).isConst && init ? this.constData(r.name, t, init) : null;
    if (cv) {
      this.scopes[this.scopes.length - 1]!.set(r.name, cv);
      continue;
    }
    if (isStatic) {
      const base =
        this.globals.has(r.name) || this.staticLocals.some((s) => s.v.name === r.name)
          ? `${this.fnName}.${r.name}`
          : r.name;
      if (isThread) {
        const v = this.threadLocal(r.name, base, t, init, d);
        this.scopes[this.scopes.length - 1]!.set(r.name, v);
        this.staticLocals.push({ v, init, n: d });
        continue;
      }
      const v: VarInfo = { kind: 'global', name: r.name, type: t, base };
      this.scopes[this.scopes.length - 1]!.set(r.name, v);
      this.staticLocals.push({ v, init, n: d });
      this.staticInit(base, t, init, d);
      continue;
    }
    const v = this.declareLocal(r.name, t, d);
    parts.push(this.initLocal(v, init, d));
  }
  if (parts.every((p) => p.pure)) {
    const ps = parts.map((p) => p.pure!);
    return mkPure((fr) => {
      for (const p of ps) p(fr);
      return undefined;
    });
  }
  return function* (fr) {
    for (const p of parts) yield* p(fr);
    return undefined;
  };
}

/** A local's storage at its declaration: a frame slot, or a fresh object in process memory. */
export function initLocal(this: Compiler, v: VarInfo, init: PNode | undefined, n: PNode): S {
  const t = v.type;
  const slot = v.slot!;
  const where = this.where(n);
  const st = this.statics;
  const fname = this.fnName;
  const self = this;
  // The value to start with (aggregates: built in the frame, then copied to memory if shared).
  let build: ((fr: Frame) => G<unknown>) | null = null;
  let mutexKind: string | null = null;
  if (init) {
    if (t.k === 'sync') {
      if (t.name === 'pthread_mutex_t') {
        mutexKind = init.type === 'identifier' ? (MUTEX_INITS[init.text] ?? null) : null;
        if (!mutexKind)
          this.err(
            init,
            `a pthread_mutex_t is initialised with PTHREAD_MUTEX_INITIALIZER, PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP or PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP, not ${init.text}`,
          );
      } else if (!(init.type === 'identifier' && init.text === 'PTHREAD_COND_INITIALIZER'))
        this.err(init, `unsupported initializer for ${t.name}`);
    } else build = this.initValue(t, init);
  }
  if (!v.shared) {
    const z = zero(t);
    const isAgg = typeof z === 'object';
    const scalar =
      init && t.k !== 'array' && t.k !== 'struct' && init.type !== 'initializer_list'
        ? this.convertTo(this.expr(init), t, init)
        : null;
    if (!init || scalar?.p) {
      const sp = scalar?.p;
      return mkPure((fr) => {
        fr.v[slot] = sp ? sp(fr) : isAgg ? clone(z) : 0;
        return undefined;
      });
    }
    return function* (fr) {
      fr.v[slot] = build ? yield* build(fr) : isAgg ? clone(z) : 0;
      return undefined;
    };
  }
  const name = v.name;
  return function* (fr) {
    const base = yield* self.freshBase(fr.ctx, fname, name);
    fr.v[slot] = base;
    if (mutexKind && mutexKind !== 'normal') {
      yield* L.pthread_mutex_init(L.mutex(base), { type: mutexKind as 'recursive' | 'errorcheck' });
    }
    if (build) {
      const val = yield* build(fr);
      yield* writeNonZero(st, { s: base, p: [] }, t, val, where);
    }
    return undefined;
  };
}

/** Builds an initial value: a scalar expression, a string for a char array, or an initializer list. */
export function initValue(this: Compiler, t: CType, init: PNode): (fr: Frame) => G<unknown> {
  if (t.k === 'array' && init.type === 'string_literal') {
    const s = stringValue(init);
    const n = t.n ?? s.length + 1;
    return function* () {
      return Array.from({ length: n }, (_, i) => (i < s.length ? s.charCodeAt(i) : 0));
    };
  }
  if ((t.k === 'array' || t.k === 'struct') && init.type === 'initializer_list') {
    const items = this.listItems(t, init);
    const subs: [string | number, CType, (fr: Frame) => G<unknown>][] = [];
    for (const [k, node] of items) {
      const ft = t.k === 'array' ? t.of : (t.fields ?? []).find((f) => f.name === k)!.type;
      if (ft.k === 'sync')
        this.err(
          node,
          'a mutex, condition variable or semaphore inside a local aggregate is outside the supported subset',
        );
      subs.push([k, ft, this.initValue(ft, node)]);
    }
    const z = zero(t);
    return function* (fr) {
      const o = clone(z) as Record<string | number, unknown>;
      for (const [k, , b] of subs) o[k] = yield* b(fr);
      return o;
    };
  }
  if (init.type === 'initializer_list') {
    const first = named(init)[0];
    if (!first)
      return function* () {
        return zero(t);
      };
    return this.initValue(t, first);
  }
  const e = this.convertTo(this.expr(init), t, init);
  return function* (fr) {
    return e.p ? e.p(fr) : yield* e.g!(fr);
  };
}
