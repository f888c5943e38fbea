// What every library call shares: lib() (a call with its headers, arity and escaping arguments),
// errno, out-parameters, strings, exit and atexit handlers, exec, and the header table.
import * as L from '../../api/index.ts';
import { op } from '../../api/op.ts';
import type { Compiler } from '../compile.ts';
import { SIG_BY_NUM } from '../consts.ts';
import { type Builtin, type Ctx, type E, type Frame, gen } from '../forms.ts';
import { field } from '../parse.ts';
import {
  CRuntimeError,
  describe,
  format,
  type G,
  isShr,
  locName,
  offset,
  read,
  readCString,
  type Statics,
  write,
} from '../runtime.ts';
import { BUILTIN_TYPEDEFS, charPtr, type CType } from '../types.ts';

// ---------------------------------------------------------------- the library calls

export const sizeT = BUILTIN_TYPEDEFS.size_t!;
export const pidT = BUILTIN_TYPEDEFS.pid_t!;

/** Evaluates all arguments in order (each may step). */
export function* evalArgs(args: E[], fr: Frame): G<unknown[]> {
  const out: unknown[] = [];
  for (const a of args) out.push(a.p ? a.p(fr) : yield* a.g!(fr));
  return out;
}

export type Impl = (fr: Frame, a: unknown[], cx: Compiler, where: string) => G<unknown>;
export function lib(
  h: string[],
  ret: CType,
  impl: Impl,
  opts: { esc?: number[]; arity?: [number, number] } = {},
): Builtin {
  const b: Builtin = {
    h,
    c: (cx, args, n, where) => {
      if (opts.arity) {
        const [lo, hi] = opts.arity;
        if (args.length < lo || args.length > hi)
          cx.err(
            n,
            `${field(n, 'function')!.text} takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, ${args.length} given`,
          );
      }
      if (args.every((a) => a.p)) {
        const ps = args.map((a) => a.p!);
        return gen(ret, (fr) =>
          impl(
            fr,
            ps.map((p) => p(fr)),
            cx,
            where,
          ),
        );
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

export const sigName = (v: unknown, where: string): string => {
  const s = SIG_BY_NUM.get(Number(v));
  if (!s || !(s in L.SIGNUM))
    throw new CRuntimeError(
      `${where}: signal ${String(v)}${s ? ` (${s})` : ''} is not modelled (the simulator has ${Object.keys(L.SIGNUM).join(', ')})`,
    );
  return s;
};

/** A library result of -1 sets errno (the world returns -1 or -errno for failed fd calls). */
export function sysret(fr: Frame, r: number, errno: number): number {
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

export function* storeOut(fr: Frame, cx: Compiler, p: unknown, t: CType, v: unknown, where: string): G<void> {
  if (p === 0 || p === null || p === undefined) return;
  yield* write(cx.statics, p, t, v, where);
}

export function* stringArg(cx: Compiler, v: unknown, where: string): G<string> {
  return yield* readCString(cx.statics, v, where);
}

export function* semHandle(cx: Compiler, p: unknown, where: string) {
  if (!isShr(p)) throw new CRuntimeError(`${where}: not a pointer to a sem_t`);
  const name = locName(p);
  return L.sem(name, 0);
}
export function condHandle(p: unknown, where: string) {
  if (!isShr(p)) throw new CRuntimeError(`${where}: not a pointer to a pthread_cond_t`);
  return L.cond(locName(p));
}

export function* doPrintf(fr: Frame, cx: Compiler, fmtV: unknown, rest: unknown[], where: string): G<string> {
  const fmt = yield* stringArg(cx, fmtV, where);
  return yield* format(cx.statics, fmt, rest, fr.ctx.errno, where);
}

export function* doExit(fr: Frame, cx: Compiler, status: number): G<never> {
  if (cx.usesAtexit) yield* runAtexit(cx, fr.ctx, cx.statics);
  return yield* L.exit(status & 0xff);
}

export function fileOf(v: unknown, where: string): 'stdin' | 'stdout' | 'stderr' | null {
  if (v === 0 || v === null) return null;
  const f = (v as { file?: string }).file;
  if (f === 'stdin' || f === 'stdout' || f === 'stderr') return f;
  if (userFile(v) !== null)
    throw new CRuntimeError(`${where}: this call works on stdin, stdout and stderr only, not on a stream fopen opened`);
  throw new CRuntimeError(
    `${where}: ${describe(v)} is not a FILE pointer (stdin, stdout, stderr or one fopen returned)`,
  );
}

/** A FILE pointer fopen returned: the stream's id (sim/api/stdio.ts), else null. */
export function userFile(v: unknown): number | null {
  const f = typeof v === 'object' && v !== null ? (v as { file?: unknown }).file : undefined;
  return typeof f === 'string' && f.startsWith('FILE@') ? Number(f.slice(5)) : null;
}
export const filePointer = (id: number) => ({ str: `<FILE@${id}>`, i: 0, file: `FILE@${id}` });

// ---- the environment
// The environment is memory of the process (environ and its strings): fork copies it, and a thread's
// setenv races with another's getenv like any store and load. One cell per name, which starts with the
// value execve's envp gave the image (the world keeps that, InstantOp 'environ'); the first process
// starts with an empty environment.
interface Environ {
  init: Readonly<Record<string, string>>;
  set: string[];
}
const environ = (add?: string): G<Environ> => op<Environ>(add === undefined ? { k: 'environ' } : { k: 'environ', add });
export function* envCell(name: string, touch = false) {
  const env = yield* environ(touch ? name : undefined);
  return L.cell<string | null>(`__environ:${name}`, env.init[name] ?? null);
}
/** getenv (name): a load of its cell. */
export function* getenv(name: string): G<string | null> {
  return (yield* L.load(yield* envCell(name))) ?? null;
}
/** The environment as the process has it now (what execv passes on as __environ): a load per name. */
export function* currentEnviron(): G<Record<string, string>> {
  const env = yield* environ();
  const out: Record<string, string> = {};
  for (const name of [...new Set([...Object.keys(env.init), ...env.set])].sort()) {
    const v = yield* L.load(yield* envCell(name));
    if (v !== null && v !== undefined) out[name] = v;
  }
  return out;
}
/** An envp array ("NAME=value" strings up to a NULL) as an environment. */
export function* envpOf(cx: Compiler, p: unknown, where: string): G<Record<string, string>> {
  const out: Record<string, string> = {};
  if (p === 0 || p === null) return out;
  // Not `for (const s of yield* ...)`: QuickJS fails to compile it (sim/api/index.ts fork).
  const strings = yield* argvOf(cx, p, where);
  for (const s of strings) {
    const eq = s.indexOf('=');
    if (eq > 0 && !(s.slice(0, eq) in out)) out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/** execve: `env` is the new image's environment (execve's envp; the exec calls without one pass __environ). */
export function* execCall(
  fr: Frame,
  cx: Compiler,
  path: string,
  argv: string[],
  env?: Record<string, string>,
): G<unknown> {
  // Running the program itself again is modelled (its main with the new argv); any other program is
  // outside the model: the process becomes it and ends with status 0.
  const image = path === '/proc/self/exe' ? cx.programMain : null;
  const img = image
    ? Object.defineProperty(
        function* () {
          return yield* image(argv);
        },
        'name',
        { value: argv[0] ?? 'main' },
      )
    : null;
  const r = yield* L.execve(path, img, env ?? (yield* currentEnviron()));
  return sysret(fr, r, 2);
}

export function* argvOf(cx: Compiler, p: unknown, where: string): G<string[]> {
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

export const H = {
  pthread: ['pthread.h'],
  stdio: ['stdio.h'],
  stdlib: ['stdlib.h'],
  malloc: ['malloc.h'],
  unistd: ['unistd.h'],
  wait: ['sys/wait.h'],
  // glibc's <stdlib.h> defines the W* status macros too (bits/waitstatus.h, under __USE_XOPEN2K8).
  waitStatus: ['sys/wait.h', 'stdlib.h'],
  signal: ['signal.h'],
  fcntl: ['fcntl.h'],
  string: ['string.h'],
  time: ['time.h'],
  sem: ['semaphore.h'],
  sock: ['sys/socket.h'],
  dl: ['dlfcn.h'],
  fl: ['forklore.h'],
  assert: ['assert.h'],
  error: ['error.h'],
};

export function* runAtexit(cx: Compiler, ctx: Ctx, st: Statics): G<void> {
  // stdlib/exit.c __run_exit_handlers: the most recent handler first, each taken off the list before
  // it runs, so that one a handler registers runs next (glibc's stdlib/tst-atexit checks the order).
  const c = L.cell('__atexit_handlers', [] as string[]);
  for (;;) {
    const list = (yield* L.load(c)) ?? [];
    if (list.length === 0) return;
    yield* L.store(c, list.slice(0, -1));
    const f = cx.fns.get(list[list.length - 1]!);
    if (f?.invoke) yield* f.invoke(ctx, []);
  }
  void st;
}
