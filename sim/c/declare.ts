// Declarations and types: type specifiers, declarators, struct layouts, file-level declarations and the
// initial values of static objects.
import type { Compiler } from './compile.ts';
import { MUTEX_INITS } from './consts.ts';
import { decay, type Frame, initCount, stringValue, type VarInfo } from './forms.ts';
import { BUILTINS } from './lib/index.ts';
import { field, fields, named, type PNode } from './parse.ts';
import { conv } from './runtime.ts';
import {
  ATOMIC_TYPEDEFS,
  atomicOf,
  BUILTIN_STRUCTS,
  BUILTIN_TYPEDEFS,
  type CType,
  isScalar,
  T,
  typeName,
} from './types.ts';

export function baseType(this: Compiler, n: PNode): CType {
  switch (n.type) {
    case 'primitive_type': {
      const t = n.text;
      if (t === 'int') return T.int;
      if (t === 'char') return T.char;
      if (t === 'void') return T.void;
      if (t === 'float' || t === 'double') return { k: 'float', name: t };
      if (t === 'bool' || t === '_Bool') return T.bool;
      const b = BUILTIN_TYPEDEFS[t];
      if (b) return b;
      return this.err(n, `unknown type ${t}`);
    }
    case 'sized_type_specifier': {
      const words = n.children.filter((c) => !c.named || c.type === 'primitive_type').map((c) => c.text);
      const unsigned = words.includes('unsigned');
      const longs = words.filter((w) => w === 'long').length;
      const short = words.includes('short');
      const char = words.includes('char');
      if (words.includes('double')) return { k: 'float', name: 'long double' };
      const bits = char ? 8 : short ? 16 : longs > 0 ? 64 : 32;
      return { k: 'int', name: words.join(' '), bits, signed: !unsigned };
    }
    case 'type_identifier': {
      const at = ATOMIC_TYPEDEFS[n.text];
      if (at && !this.typedefs.has(n.text)) {
        this.needHeader(n, n.text, ['stdatomic.h']);
        return at;
      }
      const t = this.typedefs.get(n.text) ?? BUILTIN_TYPEDEFS[n.text];
      if (!t) return this.err(n, `unknown type name ${n.text}`);
      return t;
    }
    case 'struct_specifier':
      return this.structType(n);
    case 'union_specifier':
      return this.err(n, 'unions are outside the supported subset of C');
    case 'enum_specifier': {
      const body = field(n, 'body');
      if (body) {
        let v = 0;
        for (const e of named(body)) {
          if (e.type !== 'enumerator') continue;
          const name = field(e, 'name')!.text;
          const val = field(e, 'value');
          if (val) v = Number(this.constant(val));
          this.globals.set(name, { kind: 'enum', name, type: T.int, value: v });
          v++;
        }
      }
      return T.int;
    }
    case 'macro_type_specifier': {
      // _Atomic (T): tree-sitter-c reads it as the qualifier _Atomic and a nameless macro type around T.
      const inner = field(n, 'type');
      if (field(n, 'name')?.text === '' && inner) return this.typeDescriptor(inner);
      return this.err(n, `unknown type ${n.text}`);
    }
    default:
      return this.err(n, `unsupported type ${n.text} (${n.type})`);
  }
}

export function structType(this: Compiler, n: PNode): Extract<CType, { k: 'struct' }> {
  const nameNode = field(n, 'name');
  const name = nameNode?.text ?? `<anonymous@${this.pos(n).line}>`;
  const body = field(n, 'body');
  let st = this.structs.get(name);
  if (!st) {
    const builtin = BUILTIN_STRUCTS[name];
    st = { k: 'struct', name, fields: builtin ? builtin : null };
    this.structs.set(name, st);
  }
  if (body) {
    if (BUILTIN_STRUCTS[name]) this.err(n, `struct ${name} is already defined by the system headers`);
    const fs: { name: string; type: CType }[] = [];
    for (const fd of named(body)) {
      if (fd.type !== 'field_declaration') this.err(fd, `unsupported member ${fd.text}`);
      const bt = this.declType(fd);
      const decls = fields(fd, 'declarator');
      if (decls.length === 0) this.err(fd, 'anonymous struct members are outside the supported subset');
      for (const d of decls) {
        const r = this.declarator(bt, d);
        fs.push({ name: r.name, type: r.type });
      }
      if (fd.children.some((c) => c.type === 'bitfield_clause'))
        this.err(fd, 'bit-fields are outside the supported subset of C');
    }
    st.fields = fs;
  }
  return st;
}

/**
 * The base type of a declaration, a member, a parameter or a typedef (node `n` holds the `type` field
 * and the qualifiers): `_Atomic` makes it atomic.
 */
export function declType(this: Compiler, n: PNode): CType {
  const t = this.baseType(field(n, 'type')!);
  const q = n.children.find((c) => c.type === 'type_qualifier' && c.text === '_Atomic');
  if (!q) return t;
  return atomicOf(t) ?? this.err(q, `_Atomic ${typeName(t)}: only atomic integers are in the supported subset`);
}

/** Applies a declarator to a base type: `*p`, `a[3]`, `(*f)(int)`, `f(void)`. */
export function declarator(
  this: Compiler,
  t: CType,
  d: PNode | undefined,
): { name: string; type: CType; node: PNode; params?: PNode } {
  if (!d) return { name: '', type: t, node: d as unknown as PNode };
  switch (d.type) {
    case 'identifier':
    case 'field_identifier':
    case 'type_identifier':
      return { name: d.text, type: t, node: d };
    case 'pointer_declarator':
    case 'abstract_pointer_declarator':
      return this.declarator({ k: 'ptr', to: t }, field(d, 'declarator'));
    case 'array_declarator':
    case 'abstract_array_declarator': {
      const size = field(d, 'size');
      const n = size ? Number(this.constant(size)) : null;
      return this.declarator({ k: 'array', of: t, n }, field(d, 'declarator'));
    }
    case 'function_declarator':
    case 'abstract_function_declarator': {
      const ps = field(d, 'parameters')!;
      const params: CType[] = [];
      let variadic = false;
      for (const p of named(ps)) {
        if (p.type === 'variadic_parameter') {
          variadic = true;
          continue;
        }
        if (p.type !== 'parameter_declaration') continue;
        const pt = this.declarator(this.declType(p), field(p, 'declarator')).type;
        if (pt.k === 'void') continue;
        params.push(decay(pt));
      }
      if (ps.children.some((c) => c.text === '...')) variadic = true;
      const r = this.declarator({ k: 'fn', ret: t, params, variadic }, field(d, 'declarator'));
      if (!r.params) r.params = ps;
      return r;
    }
    case 'parenthesized_declarator':
    case 'abstract_parenthesized_declarator':
      return this.declarator(t, named(d)[0]);
    case 'init_declarator':
      return this.declarator(t, field(d, 'declarator'));
    case 'attributed_declarator':
      return this.declarator(t, named(d)[0]);
    default:
      return this.err(d, `unsupported declarator ${d.text}`);
  }
}

export function typeDescriptor(this: Compiler, n: PNode): CType {
  return this.declarator(this.baseType(field(n, 'type')!), field(n, 'declarator')).type;
}

export function constant(this: Compiler, n: PNode): unknown {
  const e = this.expr(n);
  if (e.k !== undefined) return e.k;
  if (!e.p) this.err(n, `${n.text} is not a constant expression`);
  try {
    return e.p(null as unknown as Frame);
  } catch {
    return this.err(n, `${n.text} is not a constant expression`);
  }
}

export function topLevel(this: Compiler, n: PNode): void {
  switch (n.type) {
    case 'function_definition':
    case ';':
      return;
    case 'type_definition': {
      const bt = this.declType(n);
      for (const d of fields(n, 'declarator')) {
        const r = this.declarator(bt, d);
        this.typedefs.set(r.name, r.type);
      }
      return;
    }
    case 'declaration':
      this.globalDeclaration(n);
      return;
    case 'expression_statement':
      if (n.children.length === 1 && n.children[0]!.text === ';') return;
      return this.err(n, `unexpected statement at file level: ${n.text.slice(0, 40)}`);
    case 'ERROR':
      return this.err(n, 'syntax error');
    default:
      if (n.type.startsWith('preproc')) return this.err(n, `unexpected ${n.text.slice(0, 30)}`);
      if (n.type === 'struct_specifier' || n.type === 'enum_specifier') {
        this.baseType(n);
        return;
      }
      if (n.type === 'union_specifier') return this.err(n, 'unions are outside the supported subset of C');
      return this.err(n, `unsupported construct at file level: ${n.type}`);
  }
}

export function storage(
  this: Compiler,
  n: PNode,
): { isStatic: boolean; isExtern: boolean; isConst: boolean; isThread: boolean } {
  const sc = n.children.filter((c) => c.type === 'storage_class_specifier').map((c) => c.text);
  const q = n.children.filter((c) => c.type === 'type_qualifier').map((c) => c.text);
  return {
    isStatic: sc.includes('static'),
    isExtern: sc.includes('extern'),
    isConst: q.includes('const'),
    // __thread, C11's _Thread_local (the preprocessor spells it __thread) and C23's thread_local.
    isThread: sc.includes('__thread') || sc.includes('thread_local'),
  };
}

export function globalDeclaration(this: Compiler, n: PNode): void {
  const bt = this.declType(n);
  const { isExtern, isConst, isThread } = this.storage(n);
  for (const d of fields(n, 'declarator')) {
    const r = this.declarator(bt, d);
    if (r.type.k === 'fn') {
      if (!this.fns.has(r.name)) {
        if (!BUILTINS[r.name]) this.fns.set(r.name, { name: r.name, type: r.type, node: null });
      }
      continue;
    }
    if (isExtern && d.type !== 'init_declarator') continue;
    const init = d.type === 'init_declarator' ? field(d, 'value') : undefined;
    let type = r.type;
    if (type.k === 'array' && type.n === null && init) type = { ...type, n: initCount(init) };
    const cv = isConst && init ? this.constData(r.name, type, init) : null;
    if (cv) {
      this.globals.set(r.name, cv);
      continue;
    }
    if (isThread) {
      this.globals.set(r.name, this.threadLocal(r.name, r.name, type, init, d));
      continue;
    }
    const v: VarInfo = { kind: 'global', name: r.name, type, base: r.name };
    this.globals.set(r.name, v);
    this.staticInit(r.name, type, init, d);
  }
}

/**
 * A thread-local object (`__thread`, `_Thread_local`, `thread_local`): one object per thread, each
 * starting with the initializer (glibc copies the TLS initialization image into every new thread's
 * block, nptl/allocatestack.c, elf/dl-tls.c _dl_allocate_tls_init). It is memory like any other: a
 * cell per scalar, named `NAME@TCB` by the thread's control block (THREAD_SELF, which pthread_self
 * returns), so a child made by fork, whose thread runs on the forking thread's copy of its block,
 * reads the forking thread's values, and a signal handler reads those of the thread it runs on.
 */
export function threadLocal(
  this: Compiler,
  name: string,
  base: string,
  t: CType,
  init: PNode | undefined,
  n: PNode,
): VarInfo {
  if (t.k === 'sync' || (t.k === 'array' && t.of.k === 'sync'))
    this.err(n, `a thread-local ${typeName(t)} is outside the supported subset`);
  this.statics.tls = true;
  this.staticInit(`${base}@`, t, init, n);
  return { kind: 'global', name, type: t, base, tls: true };
}

/**
 * A const object with an initializer (not a pointer to const) is never written: reading it is not a
 * step. Scalars become constants; arrays and structs become read-only data.
 */
export function constData(this: Compiler, name: string, t: CType, init: PNode): VarInfo | null {
  if (t.k === 'ptr' || t.k === 'sync' || t.k === 'opaque' || t.k === 'fn') return null;
  if (isScalar(t)) return { kind: 'const', name, type: t, value: conv(t, this.constant(init)) };
  const it = this.initValue(t, init)(null as unknown as Frame);
  let r: IteratorResult<unknown, unknown>;
  try {
    r = it.next();
  } catch {
    return this.err(init, `the initializer of const ${name} is not a constant`);
  }
  if (!r.done) this.err(init, `the initializer of const ${name} is not a constant`);
  return { kind: 'constdata', name, type: t, value: { v: r.value } };
}

/** Records a static object's initial value (cells start with it; mutex kinds and semaphores too). */
export function staticInit(this: Compiler, base: string, t: CType, init: PNode | undefined, n: PNode): void {
  const st = this.statics;
  const walk = (name: string, t: CType, init: PNode | undefined) => {
    if (t.k === 'sync') {
      if (t.name === 'pthread_mutex_t') {
        if (init) {
          const kind = init.type === 'identifier' ? MUTEX_INITS[init.text] : undefined;
          if (!kind)
            this.err(
              init,
              `a pthread_mutex_t is initialised with PTHREAD_MUTEX_INITIALIZER, PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP or PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP, not ${init.text}`,
            );
          this.needHeader(init, init.text, ['pthread.h']);
          if (kind !== 'normal') st.mutexType.set(name, kind);
        }
      } else if (init && !(init.type === 'identifier' && init.text === 'PTHREAD_COND_INITIALIZER')) {
        this.err(init, `unsupported initializer for ${t.name}: ${init.text}`);
      }
      return;
    }
    if (t.k === 'array' || t.k === 'struct') {
      const kids: { key: string | number; t: CType }[] =
        t.k === 'array'
          ? Array.from({ length: t.n ?? 0 }, (_, i) => ({ key: i, t: t.of }))
          : (t.fields ?? []).map((f) => ({ key: f.name, t: f.type }));
      const sub = (k: string | number) => (typeof k === 'number' ? `${name}[${k}]` : `${name}.${k}`);
      if (!init) {
        for (const c of kids) walk(sub(c.key), c.t, undefined);
        return;
      }
      if (init.type === 'string_literal' && t.k === 'array') {
        const s = stringValue(init);
        for (let i = 0; i < (t.n ?? 0); i++) if (i < s.length) st.cellInit.set(sub(i), s.charCodeAt(i));
        return;
      }
      if (init.type !== 'initializer_list') this.err(init, `an initializer list { ... } is needed for ${typeName(t)}`);
      const assigned = this.listItems(t, init);
      for (const c of kids) walk(sub(c.key), c.t, assigned.get(c.key));
      return;
    }
    if (init) {
      const v = this.constant(init);
      const cv = conv(t, v);
      if (cv !== 0) st.cellInit.set(name, cv);
    }
  };
  walk(base, t, init);
  void n;
}

/** Matches an initializer list against an array or struct type (designators included). */
export function listItems(this: Compiler, t: CType, init: PNode): Map<string | number, PNode> {
  const out = new Map<string | number, PNode>();
  let idx = 0;
  const keys = t.k === 'array' ? null : ((t as Extract<CType, { k: 'struct' }>).fields ?? []).map((f) => f.name);
  for (const item of named(init)) {
    let valueNode = item;
    if (item.type === 'initializer_pair') {
      const ds = fields(item, 'designator');
      if (ds.length !== 1) this.err(item, 'nested designators are outside the supported subset');
      const d = ds[0]!;
      valueNode = field(item, 'value')!;
      if (d.type === 'field_designator') {
        const fname = named(d)[0]!.text;
        if (!keys?.includes(fname)) this.err(d, `${typeName(t)} has no member named ${fname}`);
        idx = keys.indexOf(fname);
      } else if (d.type === 'subscript_designator') {
        if (keys) this.err(d, 'an array designator in a struct initializer');
        idx = Number(this.constant(named(d)[0]!));
      } else this.err(d, `unsupported designator ${d.text}`);
    }
    const key = keys ? keys[idx]! : idx;
    if (keys && idx >= keys.length) this.err(item, `too many initializers for ${typeName(t)}`);
    if (!keys && t.k === 'array' && t.n !== null && idx >= t.n)
      this.err(item, `too many initializers for ${typeName(t)}`);
    out.set(key, valueNode);
    idx++;
  }
  return out;
}
