// Compiles a tree-sitter-c syntax tree to closures: each C function becomes a generator function that
// yields the library's operations (sim/api), so the existing engine runs C with its own semantics.
// No code is generated as text: every construct is a closure over plain data. The class holds the
// compile state; its methods are in declare.ts, locals.ts, stmt.ts, expr.ts, lvalue.ts, operators.ts
// and calls.ts, the library calls in lib/, the compiled forms in forms.ts.
import * as L from '../api/index.ts';
import type { HandlerFn } from '../api/ops.ts';
import type { Program } from '../types.ts';
import { Comp, type Ctx, decay, type E, type FnInfo, type Frame, metered, newCtx, type VarInfo } from './forms.ts';
import { runAtexit } from './lib/core.ts';
import { reportFailure } from './lib/support.ts';
import { field, named, type PNode } from './parse.ts';
import { CError } from './preprocess.ts';
import { conv, CRuntimeError, describe, type G, isFn, type Statics, write } from './runtime.ts';
import type { CType } from './types.ts';
import { audit } from './audit.ts';
import * as declareM from './declare.ts';
import * as localsM from './locals.ts';
import * as stmtM from './stmt.ts';
import * as exprM from './expr.ts';
import * as lvalueM from './lvalue.ts';
import * as operatorsM from './operators.ts';
import * as callsM from './calls.ts';
import { trackLine } from './track.ts';

export { FUEL, stringValue } from './forms.ts';
export { BUILTINS } from './lib/index.ts';

export interface CompileInput {
  root: PNode;
  file: string;
  /** A position in the preprocessed text, back in the source (`file`: an #included file's name). */
  map: (row: number, col: number) => { line: number; column: number; file?: string };
  includes: Set<string>;
  /** Mark each operation with the C line of its statement (track.ts), for following a schedule. */
  track?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the methods are installed below
export class Compiler {
  readonly file: string;
  readonly includes: Set<string>;
  readonly map: CompileInput['map'];
  readonly track: boolean;
  readonly statics: Statics;
  readonly typedefs = new Map<string, CType>();
  readonly structs = new Map<string, Extract<CType, { k: 'struct' }>>();
  readonly globals = new Map<string, VarInfo>();
  readonly fns = new Map<string, FnInfo>();
  /** Per-function compile state. */
  scopes: Map<string, VarInfo>[] = [];
  nslots = 0;
  fnName = '';
  escaping = new Set<string>();
  labels: Set<string>[] = [];
  loopDepth = 0;
  switchDepth = 0;
  usesAtexit = false;
  /** The program's main, for exec of /proc/self/exe. */
  programMain: ((argv: string[]) => G<unknown>) | null = null;
  staticLocals: { v: VarInfo; init: PNode | undefined; n: PNode }[] = [];

  constructor(inp: CompileInput) {
    this.file = inp.file;
    this.map = inp.map;
    this.includes = inp.includes;
    this.track = inp.track === true;
    this.statics = { cellInit: new Map(), mutexType: new Map(), file: inp.file };
  }

  // ---------------------------------------------------------------- errors and positions

  pos(n: PNode): { line: number; column: number; file?: string } {
    return this.map(n.row, n.col);
  }
  where(n: PNode): string {
    const p = this.pos(n);
    return `${p.file ?? this.file}:${p.line}:${p.column}`;
  }
  err(n: PNode, msg: string): never {
    const p = this.pos(n);
    throw new CError(msg, p.line, p.column, p.file);
  }
  needHeader(n: PNode, name: string, hs: string[]): void {
    // GCC's builtins (an empty list) need no header.
    if (hs.length === 0 || hs.some((h) => this.includes.has(h))) return;
    this.err(n, `${name} is declared in <${hs[0]}>, which this file does not #include`);
  }

  // ---------------------------------------------------------------- the translation unit

  compileUnit(root: PNode): void {
    audit(this, root);
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
    for (const f of this.fns.values()) if (f.node) this.compileFunction(f);
  }

  // ---------------------------------------------------------------- functions

  compileFunction(f: FnInfo): void {
    const n = f.node!;
    const decl = this.declarator(this.baseType(field(n, 'type')!), field(n, 'declarator'));
    this.scopes = [new Map<string, VarInfo>()];
    this.nslots = 0;
    this.fnName = f.name;
    this.labels = [];
    this.escaping = this.escapeAnalysis(field(n, 'body')!);
    const paramSlots: { slot: number; t: CType; shared: boolean; name: string }[] = [];
    const ps = decl.params ? named(decl.params).filter((p) => p.type === 'parameter_declaration') : [];
    for (const p of ps) {
      const r = this.declarator(this.declType(p), field(p, 'declarator'));
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
    if (ctx.tid === null) ctx.tid = yield* L.gettid();
    const key = `${fn}:${name}`;
    const k = ctx.acts.get(key) ?? 0;
    ctx.acts.set(key, k + 1);
    return `${key}${k > 0 ? `#${k}` : ''}${ctx.main ? '' : `@${ctx.tid}`}`;
  }

  // ---------------------------------------------------------------- expressions

  /** Each node is compiled once (isPrivateLvalue and friends look at subexpressions again). */
  readonly exprMemo = new Map<PNode, E>();
  readonly lvalueMemo = new Map<PNode, E>();

  // ---------------------------------------------------------------- calls

  /** A generator function for a thread, a handler or an exec image: runs `name` in a fresh context. */
  readonly entries = new Map<string, (...args: unknown[]) => G<unknown>>();
  entry(
    name: string,
    kind: 'thread' | 'handler' | 'atfork',
    where: string,
    sig?: number,
  ): (...args: unknown[]) => G<unknown> {
    const key = `${kind}:${name}:${sig ?? ''}`;
    let g = this.entries.get(key);
    if (g) return g;
    const f = this.fns.get(name);
    if (!f?.invoke) throw new CRuntimeError(`${where}: ${name} is not a function defined in this file`);
    const self = this;
    g = function* (...args: unknown[]): G<unknown> {
      const ctx = newCtx(false);
      const r = yield* metered(ctx, f.invoke!(ctx, kind === 'handler' ? [sig] : kind === 'thread' ? [args[0]] : []));
      // start_thread: the last thread to leave calls exit (0), which runs the atexit handlers.
      if (kind === 'thread' && self.usesAtexit && (yield* L.lastThread())) {
        yield* runAtexit(self, ctx, self.statics);
        yield* L.exit(0);
      }
      return kind === 'thread' ? (r === undefined ? null : r) : r;
    };
    Object.defineProperty(g, 'name', { value: name });
    this.entries.set(key, g);
    return g;
  }

  handler(v: unknown, where: string, sig?: number): HandlerFn {
    if (v === 0 || v === null || v === undefined) return null;
    if (!isFn(v)) throw new CRuntimeError(`${where}: ${describe(v)} is not a function`);
    return this.entry(v.fn, sig === undefined ? 'atfork' : 'handler', where, sig);
  }

  /** The program: main (or do_test with <support/test-driver.c>) as the first process's main thread. */
  program(name: string, root: PNode): Program['main'] {
    const driver = this.includes.has('support/test-driver.c');
    const entryName = driver ? 'do_test' : 'main';
    const f = this.fns.get(entryName);
    if (!f?.node) {
      const p = { row: root.row, col: root.col };
      throw new CError(
        driver
          ? 'a file that includes <support/test-driver.c> must define do_test'
          : 'the program has no main function',
        this.map(p.row, p.col).line,
        1,
      );
    }
    if (driver && this.fns.get('main')?.node)
      this.err(this.fns.get('main')!.node!, '<support/test-driver.c> defines main; this file must not');
    const self = this;
    const usesAtexit = this.usesAtexit;
    const checks = this.includes.has('support/check.h');
    const st = this.statics;
    const main = function* (argv: string[] = [name]): G<unknown> {
      const ctx = newCtx(true);
      const argvBox = [...argv.map((s) => ({ str: s, i: 0 })), 0];
      const r = yield* metered(ctx, f.invoke!(ctx, [argv.length, { box: argvBox, key: 0 }]));
      // support_test_main returns adjust_exit_status (do_test ()): a recorded failure makes it 1.
      const status = driver && checks ? yield* reportFailure(typeof r === 'number' ? r : 0) : r;
      if (usesAtexit) yield* runAtexit(self, ctx, st);
      return typeof status === 'number' ? status : 0;
    };
    Object.defineProperty(main, 'name', { value: 'main' });
    this.programMain = main;
    return main as Program['main'];
  }
}

// The compiler's methods live in one file per part of the language; they are installed on the class here.
type Methods = typeof declareM &
  typeof localsM &
  typeof stmtM &
  typeof exprM &
  typeof lvalueM &
  typeof operatorsM &
  typeof callsM;
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Compiler extends Methods {}
Object.assign(Compiler.prototype, declareM, localsM, stmtM, exprM, lvalueM, operatorsM, callsM);
// With `track`, every statement marks the operations it makes with its line (track.ts).
Compiler.prototype.stmt = function (this: Compiler, n: PNode) {
  const s = stmtM.stmt.call(this, n);
  return this.track ? trackLine(s, this.pos(n).line) : s;
};
