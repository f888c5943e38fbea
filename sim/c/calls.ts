// Calls: to a function of the program, to a library call the engine models, and through a function pointer.
import type { Compiler } from './compile.ts';
import { type Ctx, type E, type FnInfo, gen } from './forms.ts';
import { BUILTINS } from './lib/index.ts';
import { field, named, type PNode } from './parse.ts';
import { CRuntimeError, describe, type G, isFn } from './runtime.ts';
import { typeName } from './types.ts';

export function call(this: Compiler, n: PNode): E {
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
    if (f)
      this.err(fnN, `${name} is declared but never defined (the simulator knows only the library calls it models)`);
    return this.err(
      fnN,
      `unknown function ${name}: not defined in this file and not a library call the simulator models`,
    );
  }
  // A call through a function pointer.
  const fp = this.expr(fnN);
  const ft = fp.t.k === 'ptr' && fp.t.to.k === 'fn' ? fp.t.to : fp.t.k === 'fn' ? fp.t : null;
  if (!ft) this.err(fnN, `called object is not a function (${typeName(fp.t)})`);
  const args = argNs.map((a) => this.expr(a));
  const self = this;
  return gen(ft.ret, function* (fr) {
    const target = fp.p ? fp.p(fr) : yield* fp.g!(fr);
    const vals: unknown[] = [];
    for (const a of args) vals.push(a.p ? a.p(fr) : yield* a.g!(fr));
    return yield* self.callValue(fr.ctx, target, vals, where);
  });
}

/** Calls a function pointer value (a function of the program). */
export function* callValue(this: Compiler, ctx: Ctx, target: unknown, vals: unknown[], where: string): G<unknown> {
  if (!isFn(target)) throw new CRuntimeError(`${where}: calling ${describe(target)}, which is not a function`);
  const f = this.fns.get(target.fn);
  if (!f?.invoke)
    throw new CRuntimeError(
      `${where}: calling ${target.fn} through a pointer: only functions defined in this file can be called that way`,
    );
  return yield* f.invoke(ctx, vals);
}

export function userCall(this: Compiler, f: FnInfo, argNs: PNode[], n: PNode): E {
  const args = argNs.map((a, i) => {
    const e = this.expr(a);
    const pt = f.type.params[i];
    return pt ? this.convertTo(e, pt, a) : e;
  });
  if (!f.type.variadic && args.length !== f.type.params.length) {
    this.err(
      n,
      `${f.name} takes ${f.type.params.length} argument${f.type.params.length === 1 ? '' : 's'}, ${args.length} given`,
    );
  }
  return gen(f.type.ret, function* (fr) {
    const vals: unknown[] = [];
    for (const a of args) vals.push(a.p ? a.p(fr) : yield* a.g!(fr));
    return yield* f.invoke!(fr.ctx, vals);
  });
}
