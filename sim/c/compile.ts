// Compiles a tree-sitter-c syntax tree to closures: each C function becomes a generator function that
// yields the library's operations (sim/api), so the existing engine runs C with its own semantics.
// No code is generated as text: every construct is a closure over plain data.
import * as L from '../api/index.ts';
import type { HandlerFn } from '../api/ops.ts';
import type { Program } from '../types.ts';
import { field, fields, named, type PNode } from './parse.ts';
import { CError } from './preprocess.ts';
import {
  CRuntimeError, type G, type Loc, type Statics, clone, conv, format, isFn, isPriv, isShr, isStr, locName,
  offset, ptrEq, read, readCString, strerror, truthy, write, zero, mutexOf, describe,
} from './runtime.ts';
import { BUILTIN_STRUCTS, BUILTIN_TYPEDEFS, type CType, T, charPtr, convertInt, isArith, isInt, isScalar, sizeOf, typeName, voidPtr } from './types.ts';

/** Iterations of local loops allowed between two steps before the thread is stopped as runaway. */
export const FUEL = 1_000_000;

// ---------------------------------------------------------------- compiled forms

interface Frame {
  v: unknown[];
  ctx: Ctx;
}
/** Per-thread interpreter state (lives in the thread's generator, so a fork's replay rebuilds it). */
interface Ctx {
  main: boolean;
  tid: number | null;
  acts: Map<string, number>;
  fuel: number;
  errno: number;
}
/** A compiled expression: its type and either a pure function or a generator (when it may step). */
interface E {
  t: CType;
  p?: (fr: Frame) => unknown;
  g?: (fr: Frame) => G<unknown>;
  /** For lvalues: the location. */
  loc?: { p?: (fr: Frame) => unknown; g?: (fr: Frame) => G<unknown> };
  /** Compile-time constant value, when known. */
  k?: unknown;
  /** Source text (assert messages). */
  src?: string;
}
/** How a statement ended other than by falling through; any other value a statement returns is ignored. */
class Comp {
  readonly k: 'brk' | 'cont' | 'ret' | 'go';
  readonly v: unknown;
  constructor(k: 'brk' | 'cont' | 'ret' | 'go', v?: unknown) {
    this.k = k;
    this.v = v;
  }
}
type Completion = unknown;
/** A compiled statement; `pure` when it can never step (run without a generator). */
type S = ((fr: Frame) => G<Completion>) & { pure?: (fr: Frame) => Completion };
function mkPure(p: (fr: Frame) => Completion): S {
  const s = function* (fr: Frame): G<Completion> {
    return p(fr);
  } as S;
  s.pure = p;
  return s;
}

const BRK = new Comp('brk');
const CONT = new Comp('cont');

function* ev(e: E, fr: Frame): G<unknown> {
  return e.p ? e.p(fr) : yield* e.g!(fr);
}
function* evLoc(e: E, fr: Frame): G<unknown> {
  const l = e.loc!;
  return l.p ? l.p(fr) : yield* l.g!(fr);
}
const pure = (t: CType, p: (fr: Frame) => unknown, k?: unknown): E => (k === undefined ? { t, p } : { t, p, k });
const gen = (t: CType, g: (fr: Frame) => G<unknown>): E => ({ t, g });

interface FnInfo {
  name: string;
  type: Extract<CType, { k: 'fn' }>;
  node: PNode | null;
  /** Filled after compilation. */
  invoke?: (ctx: Ctx, args: unknown[]) => G<unknown>;
}

interface VarInfo {
  kind: 'local' | 'global' | 'const' | 'enum' | 'constdata';
  name: string;
  type: CType;
  slot?: number;
  /** Locals: lives in process memory (its address escaped, or a mutex/cond/sem). */
  shared?: boolean;
  /** Globals: the location's base name. */
  base?: string;
  value?: unknown;
}

interface Builtin {
  /** Headers that declare it (any one will do). */
  h: string[];
  /** Argument positions whose pointer the callee keeps or hands to another thread. */
  esc?: number[];
  c: (cx: Compiler, args: E[], n: PNode, where: string) => E;
}

const SIG_NUMS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19 };
const SIG_BY_NUM = new Map(Object.entries(SIG_NUMS).map(([k, v]) => [v, k]));

/** Constants the headers define: name -> [value, headers]. */
const CONSTS: Record<string, [number, string[]]> = {
  EXIT_SUCCESS: [0, ['stdlib.h']],
  EXIT_FAILURE: [1, ['stdlib.h']],
  EPERM: [1, ['errno.h']], ENOENT: [2, ['errno.h']], ESRCH: [3, ['errno.h']], EINTR: [4, ['errno.h']], EBADF: [9, ['errno.h']],
  ECHILD: [10, ['errno.h']], EAGAIN: [11, ['errno.h']], ENOMEM: [12, ['errno.h']], EBUSY: [16, ['errno.h']], EINVAL: [22, ['errno.h']],
  EDEADLK: [35, ['errno.h']], ENOSYS: [38, ['errno.h']], ETIMEDOUT: [110, ['errno.h']], EWOULDBLOCK: [11, ['errno.h']],
  O_RDONLY: [0, ['fcntl.h']], O_WRONLY: [1, ['fcntl.h']], O_RDWR: [2, ['fcntl.h']], O_CREAT: [0o100, ['fcntl.h']], O_TRUNC: [0o1000, ['fcntl.h']],
  O_APPEND: [0o2000, ['fcntl.h']], O_CLOEXEC: [L.O_CLOEXEC, ['fcntl.h']], O_CLOFORK: [L.O_CLOFORK, ['fcntl.h']],
  F_GETFD: [1, ['fcntl.h']], F_SETFD: [2, ['fcntl.h']], FD_CLOEXEC: [1, ['fcntl.h']], FD_CLOFORK: [2, ['fcntl.h']],
  AF_UNIX: [1, ['sys/socket.h']], AF_LOCAL: [1, ['sys/socket.h']], SOCK_STREAM: [1, ['sys/socket.h']], SOCK_DGRAM: [2, ['sys/socket.h']],
  SOCK_SEQPACKET: [5, ['sys/socket.h']], SOCK_CLOEXEC: [L.SOCK_CLOEXEC, ['sys/socket.h']], SOCK_CLOFORK: [L.SOCK_CLOFORK, ['sys/socket.h']],
  STDIN_FILENO: [0, ['unistd.h']], STDOUT_FILENO: [1, ['unistd.h']], STDERR_FILENO: [2, ['unistd.h']],
  PTHREAD_MUTEX_NORMAL: [0, ['pthread.h']], PTHREAD_MUTEX_RECURSIVE: [1, ['pthread.h']], PTHREAD_MUTEX_ERRORCHECK: [2, ['pthread.h']],
  PTHREAD_MUTEX_DEFAULT: [0, ['pthread.h']], PTHREAD_MUTEX_TIMED_NP: [0, ['pthread.h']], PTHREAD_MUTEX_RECURSIVE_NP: [1, ['pthread.h']],
  PTHREAD_MUTEX_ERRORCHECK_NP: [2, ['pthread.h']], PTHREAD_MUTEX_FAST_NP: [0, ['pthread.h']],
  RTLD_NOW: [2, ['dlfcn.h']], RTLD_LAZY: [1, ['dlfcn.h']], RTLD_GLOBAL: [0x100, ['dlfcn.h']], RTLD_LOCAL: [0, ['dlfcn.h']],
  CLOCK_REALTIME: [0, ['time.h']], CLOCK_MONOTONIC: [1, ['time.h']],
  SA_RESTART: [0x10000000, ['signal.h']], SA_SIGINFO: [4, ['signal.h']],
  WNOHANG: [1, ['sys/wait.h', 'stdlib.h']],
  true: [1, ['stdbool.h']], false: [0, ['stdbool.h']],
  INT_MAX: [2147483647, ['limits.h']], INT_MIN: [-2147483648, ['limits.h']],
  ...Object.fromEntries(Object.entries(SIG_NUMS).map(([k, v]) => [k, [v, ['signal.h']] as [number, string[]]])),
};
const MUTEX_INITS: Record<string, 'normal' | 'recursive' | 'errorcheck'> = {
  PTHREAD_MUTEX_INITIALIZER: 'normal',
  PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP: 'recursive',
  PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP: 'errorcheck',
  PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP: 'normal',
};
const MUTEX_KIND = ['normal', 'recursive', 'errorcheck'] as const;

export interface CompileInput {
  root: PNode;
  file: string;
  map: (row: number, col: number) => { line: number; column: number };
  includes: Set<string>;
}

export class Compiler {
  readonly file: string;
  readonly includes: Set<string>;
  private readonly map: CompileInput['map'];
  readonly statics: Statics;
  private readonly typedefs = new Map<string, CType>();
  private readonly structs = new Map<string, Extract<CType, { k: 'struct' }>>();
  private readonly globals = new Map<string, VarInfo>();
  readonly fns = new Map<string, FnInfo>();
  /** Per-function compile state. */
  private scopes: Map<string, VarInfo>[] = [];
  private nslots = 0;
  private fnName = '';
  private escaping = new Set<string>();
  private labels: Set<string>[] = [];
  private loopDepth = 0;
  private switchDepth = 0;
  usesAtexit = false;
  /** The program's main, for exec of /proc/self/exe. */
  programMain: ((argv: string[]) => G<unknown>) | null = null;
  private staticLocals: { v: VarInfo; init: PNode | undefined; n: PNode }[] = [];

  constructor(inp: CompileInput) {
    this.file = inp.file;
    this.map = inp.map;
    this.includes = inp.includes;
    this.statics = { cellInit: new Map(), mutexType: new Map(), semInit: new Map(), file: inp.file };
  }

  // ---------------------------------------------------------------- errors and positions

  pos(n: PNode): { line: number; column: number } {
    return this.map(n.row, n.col);
  }
  where(n: PNode): string {
    const p = this.pos(n);
    return `${this.file}:${p.line}:${p.column}`;
  }
  err(n: PNode, msg: string): never {
    const p = this.pos(n);
    throw new CError(msg, p.line, p.column);
  }
  needHeader(n: PNode, name: string, hs: string[]): void {
    if (hs.some((h) => this.includes.has(h))) return;
    this.err(n, `${name} is declared in <${hs[0]}>, which this file does not #include`);
  }

  // ---------------------------------------------------------------- types

  baseType(n: PNode): CType {
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
      case 'macro_type_specifier':
        return this.err(n, `unknown type ${n.text}`);
      default:
        return this.err(n, `unsupported type ${n.text} (${n.type})`);
    }
  }

  structType(n: PNode): Extract<CType, { k: 'struct' }> {
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
        const bt = this.baseType(field(fd, 'type')!);
        const decls = fields(fd, 'declarator');
        if (decls.length === 0) this.err(fd, 'anonymous struct members are outside the supported subset');
        for (const d of decls) {
          const r = this.declarator(bt, d);
          fs.push({ name: r.name, type: r.type });
        }
        if (fd.children.some((c) => c.type === 'bitfield_clause')) this.err(fd, 'bit-fields are outside the supported subset of C');
      }
      st.fields = fs;
    }
    return st;
  }

  /** Applies a declarator to a base type: `*p`, `a[3]`, `(*f)(int)`, `f(void)`. */
  declarator(t: CType, d: PNode | undefined): { name: string; type: CType; node: PNode; params?: PNode } {
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
          const pt = this.declarator(this.baseType(field(p, 'type')!), field(p, 'declarator')).type;
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

  typeDescriptor(n: PNode): CType {
    return this.declarator(this.baseType(field(n, 'type')!), field(n, 'declarator')).type;
  }

  constant(n: PNode): unknown {
    const e = this.expr(n);
    if (e.k !== undefined) return e.k;
    if (!e.p) this.err(n, `${n.text} is not a constant expression`);
    try {
      return e.p(null as unknown as Frame);
    } catch {
      return this.err(n, `${n.text} is not a constant expression`);
    }
  }

  // ---------------------------------------------------------------- the translation unit

  compileUnit(root: PNode): void {
    // Functions first (by name), so calls and function pointers resolve in any order.
    for (const n of root.children) {
      if (n.type === 'function_definition') {
        const bt = this.baseType(field(n, 'type')!);
        const r = this.declarator(bt, field(n, 'declarator'));
        if (r.type.k !== 'fn') this.err(n, 'a function definition needs a function declarator');
        if (this.fns.get(r.name)?.node) this.err(n, `redefinition of ${r.name}`);
        this.fns.set(r.name, { name: r.name, type: r.type, node: n });
      }
    }
    for (const n of root.children) this.topLevel(n);
    this.semInits(root, '');
    for (const f of this.fns.values()) if (f.node) this.compileFunction(f);
  }

  /**
   * The engine has no sem_init operation: a semaphore's object starts with the value its handle
   * carries. So each sem_init(&NAME, pshared, CONSTANT) is read here, at compile time, and sem_init at
   * run time checks that it is given that same value.
   */
  private semInits(n: PNode, fn: string): void {
    if (n.type === 'function_definition') {
      fn = this.declarator(T.int, field(n, 'declarator')).name;
    }
    if (n.type === 'call_expression' && field(n, 'function')?.text === 'sem_init') {
      const args = named(field(n, 'arguments')!);
      const target = args[0];
      if (target?.type === 'pointer_expression' && args[2]) {
        const name = field(target, 'argument')!.text.replace(/\s+/g, '');
        let v: unknown;
        try {
          v = this.constant(args[2]);
        } catch {
          v = undefined;
        }
        if (typeof v === 'number') {
          for (const key of [name, `${fn}:${name}`]) {
            const prev = this.statics.semInit.get(key);
            if (prev !== undefined && prev !== v) this.err(n, `sem_init of ${name} with ${v} and elsewhere with ${prev}: the engine has no sem_init operation, so each semaphore needs one constant initial value`);
            this.statics.semInit.set(key, v);
          }
        }
      }
    }
    for (const c of n.children) this.semInits(c, fn);
  }

  private topLevel(n: PNode): void {
    switch (n.type) {
      case 'function_definition':
      case ';':
        return;
      case 'type_definition': {
        const bt = this.baseType(field(n, 'type')!);
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

  private storage(n: PNode): { isStatic: boolean; isExtern: boolean; isConst: boolean } {
    const sc = n.children.filter((c) => c.type === 'storage_class_specifier').map((c) => c.text);
    const q = n.children.filter((c) => c.type === 'type_qualifier').map((c) => c.text);
    return { isStatic: sc.includes('static'), isExtern: sc.includes('extern'), isConst: q.includes('const') };
  }

  private globalDeclaration(n: PNode): void {
    const bt = this.baseType(field(n, 'type')!);
    const { isExtern, isConst } = this.storage(n);
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
      const v: VarInfo = { kind: 'global', name: r.name, type, base: r.name };
      this.globals.set(r.name, v);
      this.staticInit(r.name, type, init, d);
    }
  }

  /**
   * A const object with an initializer (not a pointer to const) is never written: reading it is not a
   * step. Scalars become constants; arrays and structs become read-only data.
   */
  private constData(name: string, t: CType, init: PNode): VarInfo | null {
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
  private staticInit(base: string, t: CType, init: PNode | undefined, n: PNode): void {
    const st = this.statics;
    const walk = (name: string, t: CType, init: PNode | undefined) => {
      if (t.k === 'sync') {
        if (t.name === 'pthread_mutex_t') {
          if (init) {
            const kind = init.type === 'identifier' ? MUTEX_INITS[init.text] : undefined;
            if (!kind) this.err(init, `a pthread_mutex_t is initialised with PTHREAD_MUTEX_INITIALIZER, PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP or PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP, not ${init.text}`);
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
          t.k === 'array' ? Array.from({ length: t.n ?? 0 }, (_, i) => ({ key: i, t: t.of })) : (t.fields ?? []).map((f) => ({ key: f.name, t: f.type }));
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
  listItems(t: CType, init: PNode): Map<string | number, PNode> {
    const out = new Map<string | number, PNode>();
    let idx = 0;
    const keys = t.k === 'array' ? null : ((t as Extract<CType, { k: 'struct' }>).fields ?? []).map((f) => f.name);
    for (const item of named(init)) {
      let valueNode = item;
      let key: string | number;
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
      key = keys ? keys[idx]! : idx;
      if (keys && idx >= keys.length) this.err(item, `too many initializers for ${typeName(t)}`);
      if (!keys && t.k === 'array' && t.n !== null && idx >= t.n) this.err(item, `too many initializers for ${typeName(t)}`);
      out.set(key, valueNode);
      idx++;
    }
    return out;
  }

  // ---------------------------------------------------------------- functions

  private compileFunction(f: FnInfo): void {
    const n = f.node!;
    const decl = this.declarator(this.baseType(field(n, 'type')!), field(n, 'declarator'));
    this.scopes = [new Map()];
    this.nslots = 0;
    this.fnName = f.name;
    this.labels = [];
    this.escaping = this.escapeAnalysis(field(n, 'body')!);
    const paramSlots: { slot: number; t: CType; shared: boolean; name: string }[] = [];
    const ps = decl.params ? named(decl.params).filter((p) => p.type === 'parameter_declaration') : [];
    for (const p of ps) {
      const r = this.declarator(this.baseType(field(p, 'type')!), field(p, 'declarator'));
      if (r.type.k === 'void' && !r.name) continue;
      const t = decay(r.type);
      const v = this.declareLocal(r.name || `<param${paramSlots.length}>`, t, p);
      paramSlots.push({ slot: v.slot!, t, shared: !!v.shared, name: r.name });
    }
    const body = this.block(field(n, 'body')!, false);
    const nslots = () => this.nslots;
    const slotsNeeded = nslots();
    const retT = f.type.ret;
    const fname = f.name;
    const st = this.statics;
    const where = this.where(n);
    const self = this;
    f.invoke = function* (ctx: Ctx, args: unknown[]): G<unknown> {
      const fr: Frame = { v: new Array(slotsNeeded).fill(0), ctx };
      for (let i = 0; i < paramSlots.length; i++) {
        const ps = paramSlots[i]!;
        const a = conv(ps.t, args[i]);
        if (ps.shared) {
          const base = yield* self.freshBase(ctx, fname, ps.name);
          fr.v[ps.slot] = base;
          yield* write(st, { s: base, p: [] }, ps.t, a, where);
        } else fr.v[ps.slot] = a;
      }
      const c = yield* body(fr);
      if (c instanceof Comp) {
        if (c.k === 'ret') return retT.k === 'void' ? undefined : conv(retT, c.v);
        if (c.k === 'go') throw new CRuntimeError(`${where}: goto ${String(c.v)}: no such label in ${fname}`);
      }
      return fname === 'main' ? 0 : undefined;
    };
  }

  /** A name for a local that lives in process memory: unique per execution of its declaration. */
  *freshBase(ctx: Ctx, fn: string, name: string): G<string> {
    if (ctx.tid === null) ctx.tid = (yield* L.gettid()) as number;
    const key = `${fn}:${name}`;
    const k = ctx.acts.get(key) ?? 0;
    ctx.acts.set(key, k + 1);
    return `${key}${k > 0 ? `#${k}` : ''}${ctx.main ? '' : `@${ctx.tid}`}`;
  }

  /** Names of locals whose address escapes: taken anywhere except as a direct argument of a library call. */
  private escapeAnalysis(body: PNode): Set<string> {
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
      while (n.type === 'field_expression' || n.type === 'subscript_expression' || n.type === 'parenthesized_expression') {
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

  private declareLocal(name: string, t: CType, n: PNode): VarInfo {
    const scope = this.scopes[this.scopes.length - 1]!;
    if (scope.has(name)) this.err(n, `redeclaration of ${name}`);
    const shared = t.k === 'sync' || this.escaping.has(name);
    const v: VarInfo = { kind: 'local', name, type: t, slot: this.nslots++, shared };
    scope.set(name, v);
    return v;
  }

  private lookup(name: string): VarInfo | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]!.get(name);
      if (v) return v;
    }
    return this.globals.get(name);
  }

  // ---------------------------------------------------------------- statements

  private block(n: PNode, newScope = true): S {
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

  private stmt(n: PNode): S {
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
        return x.g! as S;
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
          if (truthy((c.p ? c.p(fr) : yield* c.g!(fr)))) return yield* a(fr);
          return b ? yield* b(fr) : undefined;
        };
      }
      case 'while_statement': {
        const c = this.cond(field(n, 'condition')!);
        const body = this.loopBody(field(n, 'body')!);
        return function* (fr) {
          while (truthy((c.p ? c.p(fr) : yield* c.g!(fr)))) {
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
          } while (truthy((c.p ? c.p(fr) : yield* c.g!(fr))));
          return undefined;
        };
      }
      case 'for_statement': {
        this.scopes.push(new Map());
        const initN = field(n, 'initializer');
        const init = initN ? (initN.type === 'declaration' ? this.localDeclaration(initN) : this.stmtOfExpr(initN)) : null;
        const condN = field(n, 'condition');
        const c = condN ? this.cond(condN) : null;
        const updN = field(n, 'update');
        const upd = updN ? this.expr(updN) : null;
        const body = this.loopBody(field(n, 'body')!);
        this.scopes.pop();
        return function* (fr) {
          if (init) yield* init(fr);
          for (;;) {
            if (c && !truthy((c.p ? c.p(fr) : yield* c.g!(fr)))) break;
            const r = body.pure ? body.pure(fr) : yield* body(fr);
            if (r instanceof Comp) {
              if (r === BRK) break;
              if (r !== CONT) return r;
            }
            if (upd) (upd.p ? upd.p(fr) : yield* upd.g!(fr));
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
          return new Comp('ret', (e.p ? e.p(fr) : yield* e.g!(fr)));
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
          this.err(n, `goto ${label}: the label must be in this block or an enclosing one (jumping into a block is outside the supported subset)`);
        }
        const c = new Comp('go', label);
        return mkPure(() => c);
      }
      case 'labeled_statement': {
        const inner = n.children.find((x) => x.named && x.field !== 'label');
        return inner ? this.stmt(inner) : function* () {
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
      case 'ERROR':
        return this.err(n, 'syntax error');
      default:
        return this.err(n, `unsupported statement (${n.type})`);
    }
  }

  private stmtOfExpr(n: PNode): S {
    const e = this.expr(n);
    return function* (fr) {
      (e.p ? e.p(fr) : yield* e.g!(fr));
      return undefined;
    };
  }

  private loopBody(n: PNode): S {
    this.loopDepth++;
    const s = this.stmt(n);
    this.loopDepth--;
    return s;
  }

  private cond(n: PNode): E {
    return this.expr(n.type === 'parenthesized_expression' ? named(n)[0]! : n);
  }

  private switchStmt(n: PNode): S {
    const c = this.cond(field(n, 'condition')!);
    const body = field(n, 'body')!;
    this.scopes.push(new Map());
    this.switchDepth++;
    const cases: { v: unknown | null; at: number }[] = [];
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
      const v = (c.p ? c.p(fr) : yield* c.g!(fr));
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

  private localDeclaration(n: PNode): S {
    const bt = this.baseType(field(n, 'type')!);
    const { isStatic, isExtern } = this.storage(n);
    const parts: S[] = [];
    for (const d of fields(n, 'declarator')) {
      const r = this.declarator(bt, d);
      if (r.type.k === 'fn' || isExtern) {
        if (r.type.k === 'fn' && !this.fns.has(r.name) && !BUILTINS[r.name]) this.fns.set(r.name, { name: r.name, type: r.type, node: null });
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
        const base = this.globals.has(r.name) || this.staticLocals.some((s) => s.v.name === r.name) ? `${this.fnName}.${r.name}` : r.name;
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
  private initLocal(v: VarInfo, init: PNode | undefined, n: PNode): S {
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
          if (!mutexKind) this.err(init, `a pthread_mutex_t is initialised with PTHREAD_MUTEX_INITIALIZER, PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP or PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP, not ${init.text}`);
        } else if (!(init.type === 'identifier' && init.text === 'PTHREAD_COND_INITIALIZER')) this.err(init, `unsupported initializer for ${t.name}`);
      } else build = this.initValue(t, init);
    }
    if (!v.shared) {
      const z = zero(t);
      const isAgg = typeof z === 'object';
      const scalar = init && t.k !== 'array' && t.k !== 'struct' && init.type !== 'initializer_list' ? this.convertTo(this.expr(init), t, init) : null;
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
  private initValue(t: CType, init: PNode): (fr: Frame) => G<unknown> {
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
        if (ft.k === 'sync') this.err(node, 'a mutex, condition variable or semaphore inside a local aggregate is outside the supported subset');
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
      if (!first) return function* () {
        return zero(t);
      };
      return this.initValue(t, first);
    }
    const e = this.convertTo(this.expr(init), t, init);
    return function* (fr) {
      return (e.p ? e.p(fr) : yield* e.g!(fr));
    };
  }

  // ---------------------------------------------------------------- expressions

  convertTo(e: E, t: CType, n: PNode): E {
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

  /** Each node is compiled once (isPrivateLvalue and friends look at subexpressions again). */
  private readonly exprMemo = new Map<PNode, E>();
  private readonly lvalueMemo = new Map<PNode, E>();

  expr(n: PNode): E {
    let e = this.exprMemo.get(n);
    if (!e) {
      e = this.exprUncached(n);
      this.exprMemo.set(n, e);
    }
    return e;
  }

  lvalue(n: PNode): E {
    let e = this.lvalueMemo.get(n);
    if (!e) {
      e = this.lvalueUncached(n);
      this.lvalueMemo.set(n, e);
    }
    return e;
  }

  private exprUncached(n: PNode): E {
    const where = this.where(n);
    switch (n.type) {
      case 'number_literal':
        return this.number(n);
      case 'char_literal': {
        const v = stringValue(n, "'").charCodeAt(0) || 0;
        return pure(T.int, () => v, v);
      }
      case 'string_literal':
      case 'concatenated_string': {
        const s = n.type === 'string_literal' ? stringValue(n) : named(n).map((c) => stringValue(c)).join('');
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
        if (named(n)[0]?.type === 'compound_statement') return this.err(n, 'statement expressions ({ ... }) are outside the supported subset of C');
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
          return truthy((c.p ? c.p(fr) : yield* c.g!(fr))) ? (a.p ? a.p(fr) : yield* a.g!(fr)) : (b.p ? b.p(fr) : yield* b.g!(fr));
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
          (a.p ? a.p(fr) : yield* a.g!(fr));
          return (b.p ? b.p(fr) : yield* b.g!(fr));
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
          const lt = ['identifier', 'field_expression', 'subscript_expression', 'pointer_expression'].includes(vn.type) ? this.lookupType(vn) : undefined;
          size = sizeOf(lt && lt.k !== 'fn' ? lt : this.expr(vn).t);
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
    void where;
  }

  private lookupLocal(name: string): VarInfo | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]!.get(name);
      if (v) return v;
    }
    return undefined;
  }

  private number(n: PNode): E {
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

  private ident(n: PNode): E {
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
      const b = BUILTINS[name]!;
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
        return this.err(n, 'SIG_IGN is not modelled by the simulator (a handler that returns at once is)');
      case 'NULL':
        return this.err(n, 'NULL is defined in <stddef.h>, <stdio.h>, <stdlib.h> or <string.h>, none of which this file includes');
    }
    if (MUTEX_INITS[name] || name === 'PTHREAD_COND_INITIALIZER') this.err(n, `${name} is only allowed as the initializer of a declaration`);
    return this.err(n, `unknown identifier ${name}`);
  }

  /** An lvalue: its type and a function giving its location. */
  private lvalueUncached(n: PNode): E {
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
        const declared = an.type === 'identifier' || an.type === 'field_expression' || an.type === 'subscript_expression' ? this.lookupType(an) : undefined;
        const bound = declared?.k === 'array' ? declared.n : a.t.k === 'array' ? a.t.n : null;
        const arrName = an.text;
        const at = (base: unknown, i: number) => {
          if (bound !== null && (i < 0 || i >= bound)) throw new CRuntimeError(`${where}: index ${i} is out of bounds of ${arrName}[${bound}]`);
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
              const base = (a.p ? a.p(fr) : yield* a.g!(fr));
              return at(base, ((idx.p ? idx.p(fr) : yield* idx.g!(fr))) as number);
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
        const sub = (l: unknown): unknown => {
          if (isShr(l)) return { s: l.s, p: [...l.p, fname] };
          if (isPriv(l)) return { box: l.box[l.key], key: fname };
          if (l === 0) throw new CRuntimeError(`${where}: null pointer dereference`);
          throw new CRuntimeError(`${where}: member access through ${describe(l)}`);
        };
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
  private rvalue(lv: E, n: PNode): E {
    const where = this.where(n);
    const t = lv.t;
    const l = lv.loc!;
    const st = this.statics;
    if (t.k === 'array') {
      const pt: CType = { k: 'ptr', to: t.of };
      const first = (x: unknown) => (isShr(x) ? { s: x.s, p: [...x.p, 0] } : isPriv(x) ? { box: x.box[x.key], key: 0 } : x);
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
      return { t, p: l.p, g: l.g, loc: l };
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
  private isPrivateLvalue(n: PNode): boolean {
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

  private lookupType(n: PNode): CType | undefined {
    try {
      return this.lvalue(n).t;
    } catch {
      return undefined;
    }
  }

  private isPureExpr(n: PNode): boolean {
    try {
      return !!this.expr(n).p;
    } catch {
      return false;
    }
  }

  private unary(n: PNode): E {
    const op = field(n, 'operator')!.text;
    const a = this.expr(field(n, 'argument')!);
    const t: CType = op === '!' ? T.int : isInt(a.t) ? promote(a.t) : a.t;
    const where = this.where(n);
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
      return f((a.p ? a.p(fr) : yield* a.g!(fr)));
    });
  }

  private binary(n: PNode): E {
    const op = field(n, 'operator')!.text;
    const a = this.expr(field(n, 'left')!);
    const b = this.expr(field(n, 'right')!);
    const where = this.where(n);
    if (op === '&&' || op === '||') {
      const and = op === '&&';
      if (a.p && b.p) {
        const [ap, bp] = [a.p, b.p];
        const k = a.k !== undefined && b.k !== undefined ? (and ? truthy(a.k) && truthy(b.k) : truthy(a.k) || truthy(b.k)) ? 1 : 0 : undefined;
        return pure(T.int, (fr) => (and ? truthy(ap(fr)) && truthy(bp(fr)) : truthy(ap(fr)) || truthy(bp(fr))) ? 1 : 0, k);
      }
      return gen(T.int, function* (fr) {
        const x = truthy((a.p ? a.p(fr) : yield* a.g!(fr)));
        if (and ? !x : x) return x ? 1 : 0;
        return truthy((b.p ? b.p(fr) : yield* b.g!(fr))) ? 1 : 0;
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
      const x = (a.p ? a.p(fr) : yield* a.g!(fr));
      const y = (b.p ? b.p(fr) : yield* b.g!(fr));
      return f.f(x, y);
    });
  }

  private binop(op: string, at: CType, bt: CType, n: PNode, where: string): { t: CType; f: (x: unknown, y: unknown) => unknown } {
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
            case '==': return p === q ? 1 : 0;
            case '!=': return p !== q ? 1 : 0;
            case '<': return p < q ? 1 : 0;
            case '>': return p > q ? 1 : 0;
            case '<=': return p <= q ? 1 : 0;
            default: return p >= q ? 1 : 0;
          }
        },
      };
    }
    if ((op === '+' || op === '-') && (ptrA || ptrB)) {
      if (ptrA && ptrB) {
        if (op === '+') this.err(n, 'adding two pointers');
        return { t: BUILTIN_TYPEDEFS.ptrdiff_t!, f: (x, y) => ptrDiff(x, y, where) };
      }
      const pt: CType = ptrA ? (at.k === 'array' ? { k: 'ptr', to: at.of } : at) : bt.k === 'array' ? { k: 'ptr', to: bt.of } : bt;
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
      case '+': return { t, f: (x, y) => c(num(x, where) + num(y, where)) };
      case '-': return { t, f: (x, y) => c(num(x, where) - num(y, where)) };
      case '*': return { t, f: (x, y) => c(isF ? num(x, where) * num(y, where) : mul(num(x, where), num(y, where))) };
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
      case '&': return { t, f: (x, y) => c(bitop(num(x, where), num(y, where), '&')) };
      case '|': return { t, f: (x, y) => c(bitop(num(x, where), num(y, where), '|')) };
      case '^': return { t, f: (x, y) => c(bitop(num(x, where), num(y, where), '^')) };
      case '<<': return { t, f: (x, y) => c(num(x, where) * 2 ** num(y, where)) };
      case '>>': return { t, f: (x, y) => c(Math.floor(num(x, where) / 2 ** num(y, where))) };
      default:
        return this.err(n, `unsupported operator ${op}`);
    }
  }

  private update(n: PNode): E {
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
    return gen(t, function* (fr) {
      const loc = l.p ? l.p(fr) : yield* l.g!(fr);
      const old = yield* read(st, loc, t, where);
      const nv = step(old);
      yield* write(st, loc, t, nv, where);
      return prefix ? nv : old;
    });
  }

  private assign(n: PNode): E {
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
    if (op === '=' && t.k === 'ptr' && isInt(right.t) && right.k !== 0 && right.k !== undefined) this.err(n, 'assigning an integer to a pointer without a cast');
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
    return gen(t, function* (fr) {
      const loc = l.p ? l.p(fr) : yield* l.g!(fr);
      const r = (right.p ? right.p(fr) : yield* right.g!(fr));
      const v = conv(t, combine ? combine(yield* read(st, loc, t, where), r) : r);
      yield* write(st, loc, t, v, where);
      return v;
    });
  }

  // ---------------------------------------------------------------- calls

  private call(n: PNode): E {
    const fnN = field(n, 'function')!;
    const argNs = named(field(n, 'arguments')!);
    const where = this.where(n);
    if (fnN.type === 'identifier' && !this.lookupLocal(fnN.text) && !this.globals.has(fnN.text)) {
      const name = fnN.text;
      const f = this.fns.get(name);
      if (f?.node) return this.userCall(f, argNs, n);
      const b = BUILTINS[name];
      if (b) {
        this.needHeader(fnN, name, b.h);
        const args = name === 'assert' || name === 'TEMP_FAILURE_RETRY' ? [] : argNs.map((a) => this.expr(a));
        return b.c(this, args, n, where);
      }
      if (f) this.err(fnN, `${name} is declared but never defined (the simulator knows only the library calls it models)`);
      return this.err(fnN, `unknown function ${name}: not defined in this file and not a library call the simulator models`);
    }
    // A call through a function pointer.
    const fp = this.expr(fnN);
    const ft = fp.t.k === 'ptr' && fp.t.to.k === 'fn' ? fp.t.to : fp.t.k === 'fn' ? fp.t : null;
    if (!ft) this.err(fnN, `called object is not a function (${typeName(fp.t)})`);
    const args = argNs.map((a) => this.expr(a));
    const self = this;
    return gen(ft.ret, function* (fr) {
      const target = (fp.p ? fp.p(fr) : yield* fp.g!(fr));
      const vals: unknown[] = [];
      for (const a of args) vals.push((a.p ? a.p(fr) : yield* a.g!(fr)));
      return yield* self.callValue(fr.ctx, target, vals, where);
    });
  }

  /** Calls a function pointer value (a function of the program). */
  *callValue(ctx: Ctx, target: unknown, vals: unknown[], where: string): G<unknown> {
    if (!isFn(target)) throw new CRuntimeError(`${where}: calling ${describe(target)}, which is not a function`);
    const f = this.fns.get(target.fn);
    if (!f?.invoke) throw new CRuntimeError(`${where}: calling ${target.fn} through a pointer: only functions defined in this file can be called that way`);
    return yield* f.invoke(ctx, vals);
  }

  private userCall(f: FnInfo, argNs: PNode[], n: PNode): E {
    const args = argNs.map((a, i) => {
      const e = this.expr(a);
      const pt = f.type.params[i];
      return pt ? this.convertTo(e, pt, a) : e;
    });
    if (!f.type.variadic && args.length !== f.type.params.length) {
      this.err(n, `${f.name} takes ${f.type.params.length} argument${f.type.params.length === 1 ? '' : 's'}, ${args.length} given`);
    }
    return gen(f.type.ret, function* (fr) {
      const vals: unknown[] = [];
      for (const a of args) vals.push((a.p ? a.p(fr) : yield* a.g!(fr)));
      return yield* f.invoke!(fr.ctx, vals);
    });
  }

  /** A generator function for a thread, a handler or an exec image: runs `name` in a fresh context. */
  private readonly entries = new Map<string, (...args: unknown[]) => G<unknown>>();
  entry(name: string, kind: 'thread' | 'handler' | 'atfork', where: string, sig?: number): (...args: unknown[]) => G<unknown> {
    const key = `${kind}:${name}:${sig ?? ''}`;
    let g = this.entries.get(key);
    if (g) return g;
    const f = this.fns.get(name);
    if (!f?.invoke) throw new CRuntimeError(`${where}: ${name} is not a function defined in this file`);
    g = function* (...args: unknown[]): G<unknown> {
      const ctx = newCtx(false);
      const r = yield* metered(ctx, f.invoke!(ctx, kind === 'handler' ? [sig] : kind === 'thread' ? [args[0]] : []));
      return kind === 'thread' ? (r === undefined ? null : r) : r;
    };
    Object.defineProperty(g, 'name', { value: name });
    this.entries.set(key, g);
    return g;
  }

  handler(v: unknown, where: string, sig?: number): HandlerFn {
    if (v === 0 || v === null || v === undefined) return null;
    if (!isFn(v)) throw new CRuntimeError(`${where}: ${describe(v)} is not a function`);
    return this.entry(v.fn, sig === undefined ? 'atfork' : 'handler', where, sig) as HandlerFn;
  }

  /** The program: main (or do_test with <support/test-driver.c>) as the first process's main thread. */
  program(name: string, root: PNode): Program['main'] {
    const driver = this.includes.has('support/test-driver.c');
    const entryName = driver ? 'do_test' : 'main';
    const f = this.fns.get(entryName);
    if (!f?.node) {
      const p = { row: root.row, col: root.col };
      throw new CError(driver ? 'a file that includes <support/test-driver.c> must define do_test' : 'the program has no main function', this.map(p.row, p.col).line, 1);
    }
    if (driver && this.fns.get('main')?.node) this.err(this.fns.get('main')!.node!, '<support/test-driver.c> defines main; this file must not');
    const self = this;
    const usesAtexit = this.usesAtexit;
    const st = this.statics;
    const main = function* (argv: string[] = [name]): G<unknown> {
      const ctx = newCtx(true);
      const argvBox = [...argv.map((s) => ({ str: s, i: 0 })), 0];
      const r = yield* metered(ctx, f.invoke!(ctx, [argv.length, { box: argvBox, key: 0 }]));
      if (usesAtexit) yield* runAtexit(self, ctx, st);
      return typeof r === 'number' ? r : 0;
    };
    Object.defineProperty(main, 'name', { value: 'main' });
    this.programMain = main;
    return main as Program['main'];
  }
}

// ---------------------------------------------------------------- helpers

function newCtx(main: boolean): Ctx {
  return { main, tid: null, acts: new Map(), fuel: FUEL, errno: 0 };
}

/** Passes every operation through, refilling the thread's loop fuel at each step. */
function* metered(ctx: Ctx, it: G<unknown>): G<unknown> {
  let v: unknown = undefined;
  for (;;) {
    const r = it.next(v);
    if (r.done) return r.value;
    ctx.fuel = FUEL;
    v = yield r.value;
  }
}

function runaway(what: string): CRuntimeError {
  return new CRuntimeError(`${what} ran ${FUEL.toLocaleString('en-US')} iterations without a step (no shared access, no library call): a local loop that never ends, such as for (;;) {}, is stopped`);
}

function privRead(loc: unknown, where: string): unknown {
  const l = loc as { box: Record<string | number, unknown>; key: string | number };
  if (Array.isArray(l.box) && typeof l.key === 'number' && (l.key < 0 || l.key >= l.box.length)) {
    throw new CRuntimeError(`${where}: index ${l.key} is out of bounds (size ${l.box.length})`);
  }
  return l.box[l.key];
}

function* writeNonZero(st: Statics, l: Loc, t: CType, v: unknown, where: string): G<void> {
  if (t.k === 'struct') {
    for (const f of t.fields ?? []) yield* writeNonZero(st, { s: (l as { s: string }).s, p: [...(l as { p: (string | number)[] }).p, f.name] }, f.type, (v as Record<string, unknown>)[f.name], where);
    return;
  }
  if (t.k === 'array') {
    for (let i = 0; i < (t.n ?? 0); i++) yield* writeNonZero(st, { s: (l as { s: string }).s, p: [...(l as { p: (string | number)[] }).p, i] }, t.of, (v as unknown[])[i], where);
    return;
  }
  if (v !== 0 && v !== undefined) yield* write(st, l, t, v, where);
}

function* runAtexit(cx: Compiler, ctx: Ctx, st: Statics): G<void> {
  const list = ((yield* L.load(L.cell('__atexit_handlers', [] as string[]))) as string[]) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const f = cx.fns.get(list[i]!);
    if (f?.invoke) yield* f.invoke(ctx, []);
  }
  void st;
}

function num(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === undefined) return 0;
  throw new CRuntimeError(`${where}: ${describe(v)} used as a number (casting a pointer to an integer is outside the supported subset)`);
}

function mul(a: number, b: number): number {
  const r = a * b;
  return Number.isSafeInteger(r) ? r : Math.imul(a, b);
}

function bitop(a: number, b: number, f: '&' | '|' | '^'): number {
  if (Number.isInteger(a) && Number.isInteger(b) && Math.abs(a) <= 0x7fffffff && Math.abs(b) <= 0x7fffffff) {
    return f === '&' ? a & b : f === '|' ? a | b : a ^ b;
  }
  const x = BigInt.asIntN(64, BigInt(Math.trunc(a)));
  const y = BigInt.asIntN(64, BigInt(Math.trunc(b)));
  return Number(f === '&' ? x & y : f === '|' ? x | y : x ^ y);
}

function ptrDiff(x: unknown, y: unknown, where: string): number {
  if (isShr(x) && isShr(y) && x.s === y.s && x.p.length === y.p.length && x.p.slice(0, -1).every((k, i) => k === y.p[i])) {
    return (x.p[x.p.length - 1] as number) - (y.p[y.p.length - 1] as number);
  }
  if (isPriv(x) && isPriv(y) && x.box === y.box) return (x.key as number) - (y.key as number);
  if (isStr(x) && isStr(y) && x.str === y.str) return x.i - y.i;
  throw new CRuntimeError(`${where}: comparing or subtracting pointers into different objects (outside the supported subset)`);
}

function promote(t: Extract<CType, { k: 'int' }>): CType {
  return t.bits < 32 ? T.int : t;
}

function arith(a: CType, b: CType): CType {
  if (a.k === 'float' || b.k === 'float') return T.double;
  if (a.k !== 'int' || b.k !== 'int') return T.int;
  const pa = promote(a) as Extract<CType, { k: 'int' }>;
  const pb = promote(b) as Extract<CType, { k: 'int' }>;
  if (pa.bits !== pb.bits) return pa.bits > pb.bits ? pa : pb;
  if (!pa.signed) return pa;
  return pb;
}

function decay(t: CType): CType {
  if (t.k === 'array') return { k: 'ptr', to: t.of };
  if (t.k === 'fn') return { k: 'ptr', to: t };
  return t;
}

function initCount(init: PNode): number {
  if (init.type === 'string_literal') return stringValue(init).length + 1;
  return named(init).length;
}

/** The value of a string or char literal, escapes decoded. */
export function stringValue(n: PNode, quote = '"'): string {
  let s = n.text;
  if (/^[LuU]8?/.test(s) && !s.startsWith(quote)) s = s.slice(s.indexOf(quote));
  s = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const d = s[++i]!;
    switch (d) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7': {
        const m = /^[0-7]{1,3}/.exec(s.slice(i))![0];
        out += String.fromCharCode(Number.parseInt(m, 8));
        i += m.length - 1;
        break;
      }
      case 'x': {
        const m = /^[0-9a-fA-F]+/.exec(s.slice(i + 1))?.[0] ?? '';
        out += String.fromCharCode(Number.parseInt(m || '0', 16));
        i += m.length;
        break;
      }
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'e': out += '\x1b'; break;
      default: out += d;
    }
  }
  return out;
}

// ---------------------------------------------------------------- the library calls

const sizeT = BUILTIN_TYPEDEFS.size_t!;
const pidT = BUILTIN_TYPEDEFS.pid_t!;

/** Evaluates all arguments in order (each may step). */
function* evalArgs(args: E[], fr: Frame): G<unknown[]> {
  const out: unknown[] = [];
  for (const a of args) out.push((a.p ? a.p(fr) : yield* a.g!(fr)));
  return out;
}

type Impl = (fr: Frame, a: unknown[], cx: Compiler, where: string) => G<unknown>;
function lib(h: string[], ret: CType, impl: Impl, opts: { esc?: number[]; arity?: [number, number] } = {}): Builtin {
  const b: Builtin = {
    h,
    c: (cx, args, n, where) => {
      if (opts.arity) {
        const [lo, hi] = opts.arity;
        if (args.length < lo || args.length > hi) cx.err(n, `${field(n, 'function')!.text} takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, ${args.length} given`);
      }
      if (args.every((a) => a.p)) {
        const ps = args.map((a) => a.p!);
        return gen(ret, (fr) => impl(fr, ps.map((p) => p(fr)), cx, where));
      }
      return gen(ret, function* (fr) {
        const vals = yield* evalArgs(args, fr);
        return yield* impl(fr, vals, cx, where);
      });
    },
  };
  if (opts.esc) b.esc = opts.esc;
  return b;
}

const sigName = (v: unknown, where: string): string => {
  const s = SIG_BY_NUM.get(Number(v));
  if (!s || !(s in L.SIGNUM)) throw new CRuntimeError(`${where}: signal ${String(v)}${s ? ` (${s})` : ''} is not modelled (the simulator has ${Object.keys(L.SIGNUM).join(', ')})`);
  return s;
};

/** A library result of -1 sets errno (the world returns -1 or -errno for failed fd calls). */
function sysret(fr: Frame, r: number, errno: number): number {
  if (r === -1) {
    fr.ctx.errno = errno;
    return -1;
  }
  if (r < 0) {
    fr.ctx.errno = -r;
    return -1;
  }
  return r;
}

function* storeOut(fr: Frame, cx: Compiler, p: unknown, t: CType, v: unknown, where: string): G<void> {
  if (p === 0 || p === null || p === undefined) return;
  yield* write(cx.statics, p, t, v, where);
}

function* stringArg(cx: Compiler, v: unknown, where: string): G<string> {
  return yield* readCString(cx.statics, v, where);
}

function* semHandle(cx: Compiler, p: unknown, where: string) {
  if (!isShr(p)) throw new CRuntimeError(`${where}: not a pointer to a sem_t`);
  const name = locName(p);
  return L.sem(name, cx.statics.semInit.get(name) ?? 0);
}
function condHandle(p: unknown, where: string) {
  if (!isShr(p)) throw new CRuntimeError(`${where}: not a pointer to a pthread_cond_t`);
  return L.cond(locName(p));
}

function* doPrintf(fr: Frame, cx: Compiler, fmtV: unknown, rest: unknown[], where: string): G<string> {
  const fmt = yield* stringArg(cx, fmtV, where);
  return yield* format(cx.statics, fmt, rest, fr.ctx.errno, where);
}

function* doExit(fr: Frame, cx: Compiler, status: number): G<never> {
  if (cx.usesAtexit) yield* runAtexit(cx, fr.ctx, cx.statics);
  return yield* L.exit(status & 0xff);
}

function fileOf(v: unknown, where: string): 'stdin' | 'stdout' | 'stderr' | null {
  if (v === 0 || v === null) return null;
  const f = (v as { file?: string }).file;
  if (f === 'stdin' || f === 'stdout' || f === 'stderr') return f;
  throw new CRuntimeError(`${where}: ${describe(v)} is not stdin, stdout or stderr (the only streams modelled)`);
}

function* execCall(fr: Frame, cx: Compiler, path: string, argv: string[]): G<unknown> {
  // Running the program itself again is modelled (its main with the new argv); any other program is
  // outside the model: the process becomes it and ends with status 0.
  const image = path === '/proc/self/exe' ? cx.programMain : null;
  const img = image
    ? Object.defineProperty(function* () {
        return yield* (image as (argv: string[]) => G<unknown>)(argv);
      }, 'name', { value: argv[0] ?? 'main' })
    : null;
  const r = (yield* L.execve(path, img as never)) as number;
  return sysret(fr, r, 2);
}

function* argvOf(cx: Compiler, p: unknown, where: string): G<string[]> {
  const out: string[] = [];
  let l = p;
  for (let i = 0; i < 256; i++) {
    const v = yield* read(cx.statics, l, charPtr, where);
    if (v === 0 || v === null) return out;
    out.push(yield* stringArg(cx, v, where));
    l = offset(l, 1, where);
  }
  throw new CRuntimeError(`${where}: argv without a terminating NULL`);
}


const H = {
  pthread: ['pthread.h'],
  stdio: ['stdio.h'],
  stdlib: ['stdlib.h'],
  unistd: ['unistd.h'],
  wait: ['sys/wait.h'],
  signal: ['signal.h'],
  fcntl: ['fcntl.h'],
  string: ['string.h'],
  time: ['time.h'],
  sem: ['semaphore.h'],
  sock: ['sys/socket.h'],
  dl: ['dlfcn.h'],
  fl: ['forklore.h'],
  assert: ['assert.h'],
};


export const BUILTINS: Record<string, Builtin> = {
  // ---- threads
  pthread_create: lib(H.pthread, T.int, function* (fr, [th, attr, fn, arg], cx, where) {
    if (attr !== 0 && attr !== null) void attr;
    if (!isFn(fn)) throw new CRuntimeError(`${where}: the thread function is ${describe(fn)}, not a function of this file`);
    const g = cx.entry(fn.fn, 'thread', where);
    const tid = yield* L.pthread_create(g as (a: unknown) => G<unknown>, arg);
    yield* storeOut(fr, cx, th, BUILTIN_TYPEDEFS.pthread_t!, tid, where);
    return 0;
  }, { esc: [3], arity: [4, 4] }),
  pthread_join: lib(H.pthread, T.int, function* (fr, [tid, ret], cx, where) {
    const v = yield* L.pthread_join(Number(tid));
    yield* storeOut(fr, cx, ret, voidPtr, v === null || v === undefined ? 0 : v, where);
    return 0;
  }, { arity: [2, 2] }),
  pthread_exit: lib(H.pthread, T.void, function* (_fr, [v]) {
    return yield* L.pthread_exit(v ?? 0);
  }, { arity: [1, 1] }),
  pthread_self: lib(H.pthread, BUILTIN_TYPEDEFS.pthread_t!, function* () {
    return yield* L.pthread_self();
  }, { arity: [0, 0] }),
  pthread_equal: lib(H.pthread, T.int, function* (_fr, [a, b]) {
    return a === b ? 1 : 0;
  }, { arity: [2, 2] }),
  pthread_detach: lib(H.pthread, T.int, function* (_fr, _a, _cx, where) {
    throw new CRuntimeError(`${where}: pthread_detach is not modelled by the simulator`);
  }),
  pthread_attr_init: lib(H.pthread, T.int, function* () {
    return 0;
  }),
  pthread_attr_destroy: lib(H.pthread, T.int, function* () {
    return 0;
  }),
  gettid: lib(H.unistd, pidT, function* () {
    return yield* L.gettid();
  }, { arity: [0, 0] }),
  getpid: lib(H.unistd, pidT, function* () {
    return yield* L.getpid();
  }, { arity: [0, 0] }),
  getppid: lib(H.unistd, pidT, function* () {
    return yield* L.getppid();
  }, { arity: [0, 0] }),

  // ---- mutexes
  pthread_mutex_lock: lib(H.pthread, T.int, function* (_fr, [m], cx, where) {
    return yield* L.pthread_mutex_lock(mutexOf(cx.statics, m, where));
  }, { arity: [1, 1] }),
  pthread_mutex_trylock: lib(H.pthread, T.int, function* (_fr, [m], cx, where) {
    return yield* L.pthread_mutex_trylock(mutexOf(cx.statics, m, where));
  }, { arity: [1, 1] }),
  pthread_mutex_unlock: lib(H.pthread, T.int, function* (_fr, [m], cx, where) {
    return yield* L.pthread_mutex_unlock(mutexOf(cx.statics, m, where));
  }, { arity: [1, 1] }),
  pthread_mutex_init: lib(H.pthread, T.int, function* (_fr, [m, attr], cx, where) {
    const type = (attr === 0 || attr === null ? 'normal' : attrKind(attr, where)) as 'normal' | 'recursive' | 'errorcheck';
    return yield* L.pthread_mutex_init(mutexOf(cx.statics, m, where), { type });
  }, { arity: [2, 2] }),
  pthread_mutex_destroy: lib(H.pthread, T.int, function* () {
    return 0;
  }, { arity: [1, 1] }),
  pthread_mutexattr_init: lib(H.pthread, T.int, function* (_fr, [a], _cx, where) {
    setAttr(a, 'normal', where);
    return 0;
  }, { arity: [1, 1] }),
  pthread_mutexattr_destroy: lib(H.pthread, T.int, function* () {
    return 0;
  }, { arity: [1, 1] }),
  pthread_mutexattr_settype: lib(H.pthread, T.int, function* (_fr, [a, kind], _cx, where) {
    const k = MUTEX_KIND[Number(kind)];
    if (!k) return L.EINVAL;
    setAttr(a, k, where);
    return 0;
  }, { arity: [2, 2] }),

  // ---- condition variables and semaphores
  pthread_cond_wait: lib(H.pthread, T.int, function* (_fr, [c, m], cx, where) {
    return yield* L.pthread_cond_wait(condHandle(c, where), mutexOf(cx.statics, m, where));
  }, { arity: [2, 2] }),
  pthread_cond_signal: lib(H.pthread, T.int, function* (_fr, [c], _cx, where) {
    return yield* L.pthread_cond_signal(condHandle(c, where));
  }, { arity: [1, 1] }),
  pthread_cond_broadcast: lib(H.pthread, T.int, function* (_fr, [c], _cx, where) {
    return yield* L.pthread_cond_broadcast(condHandle(c, where));
  }, { arity: [1, 1] }),
  pthread_cond_init: lib(H.pthread, T.int, function* (_fr, [c, attr], _cx, where) {
    condHandle(c, where);
    if (attr !== 0 && attr !== null) throw new CRuntimeError(`${where}: condition variable attributes are not modelled (pass NULL)`);
    return 0;
  }, { arity: [2, 2] }),
  pthread_cond_destroy: lib(H.pthread, T.int, function* () {
    return 0;
  }, { arity: [1, 1] }),
  sem_init: lib(H.sem, T.int, function* (_fr, [s, _pshared, value], cx, where) {
    if (!isShr(s)) throw new CRuntimeError(`${where}: not a pointer to a sem_t`);
    const name = locName(s);
    const known = cx.statics.semInit.get(name) ?? 0;
    if (Number(value) !== known) {
      throw new CRuntimeError(`${where}: sem_init(&${name}, ..., ${String(value)}): the engine has no sem_init operation, so a semaphore's value must be a constant the front end sees at compile time`);
    }
    return 0;
  }, { arity: [3, 3] }),
  sem_destroy: lib(H.sem, T.int, function* () {
    return 0;
  }, { arity: [1, 1] }),
  sem_wait: lib(H.sem, T.int, function* (_fr, [s], cx, where) {
    return yield* L.sem_wait(yield* semHandle(cx, s, where));
  }, { arity: [1, 1] }),
  sem_trywait: lib(H.sem, T.int, function* (fr, [s], cx, where) {
    const r = yield* L.sem_trywait(yield* semHandle(cx, s, where));
    if (r !== 0) {
      fr.ctx.errno = L.EAGAIN;
      return -1;
    }
    return 0;
  }, { arity: [1, 1] }),
  sem_post: lib(H.sem, T.int, function* (_fr, [s], cx, where) {
    return yield* L.sem_post(yield* semHandle(cx, s, where));
  }, { arity: [1, 1] }),

  // ---- processes
  fork: lib(H.unistd, pidT, function* () {
    return yield* L.fork();
  }, { arity: [0, 0] }),
  vfork: lib(H.unistd, pidT, function* () {
    return yield* L.fork();
  }, { arity: [0, 0] }),
  _Fork: lib(H.unistd, pidT, function* () {
    return yield* L._Fork();
  }, { arity: [0, 0] }),
  kernel_fork: lib(H.fl, pidT, function* () {
    return yield* L.fork();
  }, { arity: [0, 0] }),
  clone_connection: lib(H.fl, T.int, function* () {
    return yield* L.clone_connection();
  }, { arity: [0, 0] }),
  pthread_atfork: lib(H.pthread, T.int, function* (_fr, [p, a, c], cx, where) {
    return yield* L.pthread_atfork(cx.handler(p, where), cx.handler(a, where), cx.handler(c, where));
  }, { arity: [3, 3] }),
  waitpid: lib(H.wait, pidT, function* (fr, [pid, status, options], cx, where) {
    if (Number(options) !== 0) throw new CRuntimeError(`${where}: waitpid options (${String(options)}) are not modelled: pass 0`);
    const r = yield* L.waitpid(Number(pid));
    if (r.pid === -1) {
      fr.ctx.errno = (r as { errno?: number }).errno ?? L.ECHILD;
      return -1;
    }
    yield* storeOut(fr, cx, status, T.int, r.status, where);
    return r.pid;
  }, { arity: [3, 3] }),
  wait: lib(H.wait, pidT, function* (fr, [status], cx, where) {
    const r = yield* L.waitpid(-1);
    if (r.pid === -1) {
      fr.ctx.errno = (r as { errno?: number }).errno ?? L.ECHILD;
      return -1;
    }
    yield* storeOut(fr, cx, status, T.int, r.status, where);
    return r.pid;
  }, { arity: [1, 1] }),
  WIFEXITED: lib(H.wait, T.int, function* (_fr, [s]) {
    return L.WIFEXITED(Number(s)) ? 1 : 0;
  }, { arity: [1, 1] }),
  WEXITSTATUS: lib(H.wait, T.int, function* (_fr, [s]) {
    return L.WEXITSTATUS(Number(s));
  }, { arity: [1, 1] }),
  WIFSIGNALED: lib(H.wait, T.int, function* (_fr, [s]) {
    return L.WIFSIGNALED(Number(s)) ? 1 : 0;
  }, { arity: [1, 1] }),
  WTERMSIG: lib(H.wait, T.int, function* (_fr, [s]) {
    return L.WTERMSIG(Number(s));
  }, { arity: [1, 1] }),
  exit: lib(H.stdlib, T.void, function* (fr, [s], cx) {
    return yield* doExit(fr, cx, Number(s));
  }, { arity: [1, 1] }),
  _exit: lib(H.unistd, T.void, function* (_fr, [s]) {
    return yield* L._exit(Number(s) & 0xff);
  }, { arity: [1, 1] }),
  _Exit: lib(H.stdlib, T.void, function* (_fr, [s]) {
    return yield* L._exit(Number(s) & 0xff);
  }, { arity: [1, 1] }),
  abort: lib(H.stdlib, T.void, function* () {
    yield* L.raise(L.SIGABRT);
    return yield* L._exit(134);
  }, { arity: [0, 0] }),
  atexit: {
    h: H.stdlib,
    c: (cx, args, n, where) => {
      cx.usesAtexit = true;
      if (args.length !== 1) cx.err(n, 'atexit takes 1 argument');
      return gen(T.int, function* (fr) {
        const [f] = yield* evalArgs(args, fr);
        if (!isFn(f) || !cx.fns.get(f.fn)?.node) throw new CRuntimeError(`${where}: atexit needs a function of this file`);
        const c = L.cell('__atexit_handlers', [] as string[]);
        const list = ((yield* L.load(c)) as string[]) ?? [];
        yield* L.store(c, [...list, f.fn]);
        return 0;
      });
    },
  },
  execve: lib(H.unistd, T.int, function* (fr, [path, argv], cx, where) {
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), yield* argvOf(cx, argv, where));
  }, { arity: [3, 3] }),
  execv: lib(H.unistd, T.int, function* (fr, [path, argv], cx, where) {
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), yield* argvOf(cx, argv, where));
  }, { arity: [2, 2] }),
  execvp: lib(H.unistd, T.int, function* (fr, [path, argv], cx, where) {
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), yield* argvOf(cx, argv, where));
  }, { arity: [2, 2] }),
  execl: lib(H.unistd, T.int, function* (fr, [path, ...rest], cx, where) {
    const argv: string[] = [];
    for (const a of rest) {
      if (a === 0 || a === null) break;
      argv.push(yield* stringArg(cx, a, where));
    }
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), argv);
  }),
  execlp: lib(H.unistd, T.int, function* (fr, [path, ...rest], cx, where) {
    const argv: string[] = [];
    for (const a of rest) {
      if (a === 0 || a === null) break;
      argv.push(yield* stringArg(cx, a, where));
    }
    return yield* execCall(fr, cx, yield* stringArg(cx, path, where), argv);
  }),

  // ---- file descriptors
  open: lib(H.fcntl, T.int, function* (fr, [path, flags], cx, where) {
    const r = yield* L.open(yield* stringArg(cx, path, where), Number(flags ?? 0));
    return sysret(fr, r, L.ENOENT);
  }, { arity: [2, 3] }),
  close: lib(H.unistd, T.int, function* (fr, [fd]) {
    return sysret(fr, yield* L.close(Number(fd)), L.EBADF);
  }, { arity: [1, 1] }),
  dup: lib(H.unistd, T.int, function* (fr, [fd]) {
    return sysret(fr, yield* L.dup(Number(fd)), L.EBADF);
  }, { arity: [1, 1] }),
  dup2: lib(H.unistd, T.int, function* (fr, [a, b]) {
    return sysret(fr, yield* L.dup2(Number(a), Number(b)), L.EBADF);
  }, { arity: [2, 2] }),
  socketpair: lib(H.sock, T.int, function* (fr, [domain, type, _proto, sv], cx, where) {
    if (Number(domain) !== 1) throw new CRuntimeError(`${where}: only AF_UNIX socket pairs are modelled`);
    const flags = Number(type) & (L.SOCK_CLOEXEC | L.SOCK_CLOFORK);
    const [a, b] = yield* L.socketpair(flags);
    yield* write(cx.statics, sv, T.int, a, where);
    yield* write(cx.statics, offset(sv, 1, where), T.int, b, where);
    void fr;
    return 0;
  }, { arity: [4, 4] }),
  fcntl: lib(H.fcntl, T.int, function* (fr, [fd, cmd, arg]) {
    const r = yield* L.fcntl(Number(fd), Number(cmd), Number(arg ?? 0));
    return sysret(fr, r, L.EBADF);
  }, { arity: [2, 3] }),
  write: lib(H.unistd, BUILTIN_TYPEDEFS.ssize_t!, function* (fr, [fd, buf, n], cx, where) {
    const s = (yield* stringArg(cx, buf, where)).slice(0, Number(n));
    return sysret(fr, yield* L.write(Number(fd), s), L.EBADF);
  }, { arity: [3, 3] }),

  // ---- stdio and libc
  printf: lib(H.stdio, T.int, function* (fr, [fmt, ...rest], cx, where) {
    return yield* L.printf(yield* doPrintf(fr, cx, fmt, rest, where));
  }),
  puts: lib(H.stdio, T.int, function* (_fr, [s], cx, where) {
    return yield* L.printf(`${yield* stringArg(cx, s, where)}\n`);
  }, { arity: [1, 1] }),
  putchar: lib(H.stdio, T.int, function* (_fr, [c]) {
    yield* L.printf(String.fromCharCode(Number(c) & 0xff));
    return c;
  }, { arity: [1, 1] }),
  fprintf: lib(H.stdio, T.int, function* (fr, [f, fmt, ...rest], cx, where) {
    const stream = fileOf(f, where);
    const text = yield* doPrintf(fr, cx, fmt, rest, where);
    // The library has printf (stdout's FILE lock); a stderr write is modelled as write(2).
    if (stream === 'stdout') return yield* L.printf(text);
    return yield* L.write(2, text);
  }),
  dprintf: lib(H.stdio, T.int, function* (fr, [fd, fmt, ...rest], cx, where) {
    return sysret(fr, yield* L.write(Number(fd), yield* doPrintf(fr, cx, fmt, rest, where)), L.EBADF);
  }),
  snprintf: lib(H.stdio, T.int, function* (fr, [buf, n, fmt, ...rest], cx, where) {
    const text = yield* doPrintf(fr, cx, fmt, rest, where);
    const max = Number(n);
    let l = buf;
    const m = Math.min(text.length, Math.max(0, max - 1));
    for (let i = 0; i < m; i++) {
      yield* write(cx.statics, l, T.char, text.charCodeAt(i), where);
      l = offset(l, 1, where);
    }
    if (max > 0) yield* write(cx.statics, l, T.char, 0, where);
    return text.length;
  }),
  fflush: lib(H.stdio, T.int, function* (_fr, [f], _cx, where) {
    return yield* L.fflush(fileOf(f, where) as 'stdout' | 'stderr' | null);
  }, { arity: [1, 1] }),
  perror: lib(H.stdio, T.void, function* (fr, [s], cx, where) {
    const p = s === 0 ? '' : `${yield* stringArg(cx, s, where)}: `;
    yield* L.write(2, `${p}${strerror(fr.ctx.errno)}\n`);
    return undefined;
  }, { arity: [1, 1] }),
  getline: lib(H.stdio, BUILTIN_TYPEDEFS.ssize_t!, function* (_fr, [bufp, np, f], cx, where) {
    if (fileOf(f, where) !== 'stdin') throw new CRuntimeError(`${where}: getline reads stdin only`);
    const line = yield* L.getline('stdin');
    if (line === null || line === undefined) return -1;
    yield* write(cx.statics, bufp, charPtr, { str: String(line), i: 0 }, where);
    yield* storeOut(_fr, cx, np, sizeT, 120, where);
    return String(line).length;
  }, { arity: [3, 3] }),
  malloc: lib(H.stdlib, voidPtr, function* (_fr, [n]) {
    const a = yield* L.malloc(Number(n));
    return a ? { s: `heap@0x${a.toString(16)}`, p: [0] } : 0;
  }, { arity: [1, 1] }),
  calloc: lib(H.stdlib, voidPtr, function* (_fr, [n, m]) {
    const a = yield* L.malloc(Number(n) * Number(m));
    return a ? { s: `heap@0x${a.toString(16)}`, p: [0] } : 0;
  }, { arity: [2, 2] }),
  free: lib(H.stdlib, T.void, function* (_fr, [p], _cx, where) {
    if (p === 0 || p === null) return undefined;
    if (!isShr(p) || !p.s.startsWith('heap@') || p.p.length !== 1 || p.p[0] !== 0) throw new CRuntimeError(`${where}: free(${describe(p)}): not a pointer returned by malloc`);
    yield* L.free(Number.parseInt(p.s.slice(7), 16));
    return undefined;
  }, { arity: [1, 1] }),
  dlopen: lib(H.dl, voidPtr, function* (_fr, [name], cx, where) {
    const h = yield* L.dlopen(name === 0 ? '' : yield* stringArg(cx, name, where));
    return { s: `dl@${h}`, p: [] };
  }, { arity: [2, 2] }),
  strerror: lib(H.string, charPtr, function* (_fr, [e]) {
    return { str: strerror(Number(e)), i: 0 };
  }, { arity: [1, 1] }),
  strlen: lib(H.string, sizeT, function* (_fr, [s], cx, where) {
    return (yield* stringArg(cx, s, where)).length;
  }, { arity: [1, 1] }),
  strcmp: lib(H.string, T.int, function* (_fr, [a, b], cx, where) {
    const x = yield* stringArg(cx, a, where);
    const y = yield* stringArg(cx, b, where);
    return x < y ? -1 : x > y ? 1 : 0;
  }, { arity: [2, 2] }),
  atoi: lib(H.stdlib, T.int, function* (_fr, [s], cx, where) {
    return Number.parseInt(yield* stringArg(cx, s, where), 10) | 0 || 0;
  }, { arity: [1, 1] }),

  // ---- signals
  signal: lib(H.signal, voidPtr, function* (_fr, [sig, h], cx, where) {
    const name = sigName(sig, where);
    yield* L.sigaction(name, cx.handler(h, where, Number(sig)));
    return 0;
  }, { arity: [2, 2] }),
  sigaction: lib(H.signal, T.int, function* (_fr, [sig, act, old], cx, where) {
    const name = sigName(sig, where);
    if (old !== 0 && old !== null) throw new CRuntimeError(`${where}: sigaction's old action is not modelled (pass NULL)`);
    if (act === 0 || act === null) return 0;
    const h = yield* read(cx.statics, isShr(act) ? { s: act.s, p: [...act.p, 'sa_handler'] } : { box: (act as { box: Record<string, unknown>; key: string }).box[(act as { key: string }).key] as Record<string, unknown>, key: 'sa_handler' }, voidPtr, where);
    return yield* L.sigaction(name, cx.handler(h, where, Number(sig)));
  }, { arity: [3, 3] }),
  sigemptyset: lib(H.signal, T.int, function* () {
    return 0;
  }, { arity: [1, 1] }),
  kill: lib(H.signal, T.int, function* (fr, [pid, sig], _cx, where) {
    return sysret(fr, yield* L.kill(Number(pid), sigName(sig, where)), L.ESRCH);
  }, { arity: [2, 2] }),
  pthread_kill: lib(H.signal, T.int, function* (_fr, [tid, sig], _cx, where) {
    return yield* L.pthread_kill(Number(tid), sigName(sig, where));
  }, { arity: [2, 2] }),
  raise: lib(H.signal, T.int, function* (_fr, [sig], _cx, where) {
    return yield* L.raise(sigName(sig, where));
  }, { arity: [1, 1] }),

  // ---- time
  sleep: lib(H.unistd, T.uint, function* (_fr, [s]) {
    yield* L.sleep(Number(s));
    return 0;
  }, { arity: [1, 1] }),
  usleep: lib(H.unistd, T.int, function* (_fr, [us]) {
    return yield* L.usleep(Number(us));
  }, { arity: [1, 1] }),
  nanosleep: lib(H.time, T.int, function* (_fr, [ts, rem], cx, where) {
    const t = (yield* read(cx.statics, ts, { k: 'struct', name: 'timespec', fields: BUILTIN_STRUCTS.timespec! }, where)) as { tv_sec: number; tv_nsec: number };
    void rem;
    return yield* L.nanosleep(t.tv_sec * 1e9 + t.tv_nsec);
  }, { arity: [2, 2] }),

  // ---- macros from headers, as calls
  assert: {
    h: H.assert,
    c: (cx, _args, n, where) => {
      const argNs = named(field(n, 'arguments')!);
      if (argNs.length !== 1) cx.err(n, 'assert takes 1 argument');
      const e = cx.expr(argNs[0]!);
      const text = argNs[0]!.text.replace(/\s+/g, ' ');
      const p = cx.pos(n);
      const msg = `${cx.file}:${p.line}: Assertion \`${text}' failed.`;
      return gen(T.void, function* (fr) {
        L.assert(truthy((e.p ? e.p(fr) : yield* e.g!(fr))), msg);
        return undefined;
      });
    },
  },
  TEMP_FAILURE_RETRY: {
    h: H.unistd,
    c: (cx, _args, n) => {
      const argNs = named(field(n, 'arguments')!);
      if (argNs.length !== 1) cx.err(n, 'TEMP_FAILURE_RETRY takes 1 argument');
      const e = cx.expr(argNs[0]!);
      return gen(T.long, function* (fr) {
        for (;;) {
          const r = (e.p ? e.p(fr) : yield* e.g!(fr));
          if (!(r === -1 && fr.ctx.errno === L.EINTR)) return r;
        }
      });
    },
  },
};

function setAttr(a: unknown, kind: string, where: string): void {
  if (isPriv(a)) {
    a.box[a.key] = { type: kind };
    return;
  }
  throw new CRuntimeError(`${where}: a pthread_mutexattr_t must be a local variable`);
}
function attrKind(a: unknown, where: string): string {
  if (isPriv(a)) {
    const o = a.box[a.key] as { type?: string } | undefined;
    return o?.type ?? 'normal';
  }
  throw new CRuntimeError(`${where}: a pthread_mutexattr_t must be a local variable`);
}

void sizeT;
void convertInt;
