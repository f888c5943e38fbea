// Property: on random small programs run in the real world (signals, libc locks, fork with atfork
// handlers, semaphores, condition variables, exits), DPOR reaches exactly the outcomes and finding kinds
// that plain enumeration of every interleaving reaches, under each libc model and futex mode.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from '../../sim/api/index.ts';
import type { LibcModel, Program } from '../../sim/types.ts';
import { searchOutcomes } from './world-helpers.ts';

type Cell = 'a' | 'b';
type Mx = 'm1' | 'm2';
type Target = 'main' | 'sib' | 'self' | 'proc';

export type Op =
  | { k: 'crit'; m: Mx; inner: Op[] }
  | { k: 'trylock'; m: Mx }
  | { k: 'store'; c: Cell; v: number }
  | { k: 'inc'; c: Cell }
  | { k: 'malloc' }
  | { k: 'printf' }
  | { k: 'kill'; target: Target; sig: 'SIGUSR1' | 'SIGUSR2' }
  | { k: 'sigaction'; sig: 'SIGUSR1' | 'SIGUSR2'; h: 0 | 1 }
  | { k: 'post' }
  | { k: 'semwait'; trywait: boolean }
  | { k: 'condwait' }
  | { k: 'condsignal'; all: boolean }
  | { k: 'fork'; raw: boolean; child: Op[]; end: 'exit' | '_exit'; wait: boolean }
  | { k: 'end'; how: 'exit' | '_exit' };

export interface Spec {
  libc: LibcModel;
  futex: 'exact' | 'blocking';
  handlers: [Op[], Op[]];
  atfork: 'none' | 'lock' | 'malloc';
  init: Op[];
  threads: Op[][];
  sem: number;
}

const cellA = fc.constantFrom<Cell>('a', 'b');
const mx = fc.constantFrom<Mx>('m1', 'm2');
const sig = fc.constantFrom<'SIGUSR1' | 'SIGUSR2'>('SIGUSR1', 'SIGUSR1', 'SIGUSR2');

/** What a signal handler may do: take a lock, malloc, store, fork a child that _exits, post. */
const handlerOp: fc.Arbitrary<Op> = fc.oneof(
  mx.map((m): Op => ({ k: 'crit', m, inner: [] })),
  fc.constant<Op>({ k: 'malloc' }),
  fc.tuple(cellA, fc.integer({ min: 1, max: 2 })).map(([c, v]): Op => ({ k: 'store', c, v })),
  fc.constant<Op>({ k: 'post' }),
  fc.constant<Op>({ k: 'fork', raw: false, child: [], end: '_exit', wait: false }),
);

const leafOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.tuple(cellA, fc.integer({ min: 1, max: 2 })).map(([c, v]): Op => ({ k: 'store', c, v })), weight: 2 },
  { arbitrary: cellA.map((c): Op => ({ k: 'inc', c })), weight: 2 },
  { arbitrary: fc.constant<Op>({ k: 'malloc' }), weight: 2 },
  { arbitrary: fc.constant<Op>({ k: 'printf' }), weight: 1 },
  { arbitrary: mx.map((m): Op => ({ k: 'trylock', m })), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom<Target>('main', 'main', 'sib', 'self', 'proc'), sig)
      .map(([target, s]): Op => ({ k: 'kill', target, sig: s })),
    weight: 3,
  },
  { arbitrary: fc.tuple(sig, fc.constantFrom<0 | 1>(0, 1)).map(([s, h]): Op => ({ k: 'sigaction', sig: s, h })), weight: 1 },
  { arbitrary: fc.constant<Op>({ k: 'post' }), weight: 1 },
  { arbitrary: fc.boolean().map((trywait): Op => ({ k: 'semwait', trywait })), weight: 1 },
  { arbitrary: fc.constant<Op>({ k: 'condwait' }), weight: 1 },
  { arbitrary: fc.boolean().map((all): Op => ({ k: 'condsignal', all })), weight: 1 },
);

const threadOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: leafOp, weight: 6 },
  { arbitrary: fc.tuple(mx, fc.array(leafOp, { maxLength: 1 })).map(([m, inner]): Op => ({ k: 'crit', m, inner })), weight: 2 },
  {
    arbitrary: fc
      .record({
        raw: fc.boolean(),
        child: fc.array(fc.constantFrom<Op>({ k: 'malloc' }, { k: 'printf' }, { k: 'crit', m: 'm1', inner: [] }), { maxLength: 1 }),
        end: fc.constantFrom<'exit' | '_exit'>('exit', '_exit'),
        wait: fc.boolean(),
      })
      .map((f): Op => ({ k: 'fork', ...f })),
    weight: 1,
  },
);

const ops = (max: number) => fc.array(threadOp, { minLength: 1, maxLength: max });

const spec: fc.Arbitrary<Spec> = fc
  .record({
    libc: fc.constantFrom<LibcModel>('none', 'glibc', 'glibc-2.7'),
    futex: fc.constantFrom<'exact' | 'blocking'>('exact', 'blocking'),
    handlers: fc.tuple(fc.array(handlerOp, { minLength: 1, maxLength: 2 }), fc.array(handlerOp, { minLength: 1, maxLength: 1 })),
    atfork: fc.constantFrom<'none' | 'lock' | 'malloc'>('none', 'none', 'lock', 'malloc'),
    sig1: fc.boolean(),
    sig2: fc.boolean(),
    main: ops(2),
    others: fc.array(fc.tuple(ops(2), fc.option(fc.constantFrom<'exit' | '_exit'>('exit', '_exit'), { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 2 }),
    sem: fc.nat(1),
  })
  .map(({ libc, futex, handlers, atfork, sig1, sig2, main, others, sem }): Spec => {
    const init: Op[] = [];
    if (sig1) init.push({ k: 'sigaction', sig: 'SIGUSR1', h: 0 });
    if (sig2) init.push({ k: 'sigaction', sig: 'SIGUSR2', h: 1 });
    const threads = [main, ...others.map(([body, end]) => (end ? [...body, { k: 'end', how: end } as Op] : body))];
    return { libc, futex, handlers, atfork, init, threads, sem };
  });

const m: Record<Mx, F.MutexHandle> = { m1: F.mutex('m1'), m2: F.mutex('m2') };
const cells: Record<Cell, F.CellHandle<number>> = { a: F.cell('a', 0), b: F.cell('b', 0) };
const s = F.sem('s', 0);
const cv = F.cond('cv');
const cvMutex = F.mutex('cvm');

interface Ctx {
  main: number;
  sib: number;
  children: number[];
}

/** Builds the program a spec describes; main returns a*10+b after joining and reaping. */
export function build(sp: Spec): Program {
  const hs = sp.handlers.map((body) =>
    function* handler() {
      yield* runOps(body, { main: 0, sib: 0, children: [] });
    },
  );
  function* runOps(list: Op[], ctx: Ctx): Generator<unknown, void, unknown> {
    for (const o of list) {
      switch (o.k) {
        case 'crit':
          yield* F.pthread_mutex_lock(m[o.m]);
          yield* runOps(o.inner, ctx);
          yield* F.pthread_mutex_unlock(m[o.m]);
          break;
        case 'trylock':
          if ((yield* F.pthread_mutex_trylock(m[o.m])) === 0) yield* F.pthread_mutex_unlock(m[o.m]);
          break;
        case 'store':
          yield* F.store(cells[o.c], o.v);
          break;
        case 'inc':
          yield* F.store(cells[o.c], (yield* F.load(cells[o.c])) + 1);
          break;
        case 'malloc':
          yield* F.free(yield* F.malloc(8));
          break;
        case 'printf':
          yield* F.printf('x\n');
          break;
        case 'kill':
          if (o.target === 'proc') yield* F.kill(yield* F.getpid(), o.sig);
          else if (o.target === 'self') yield* F.raise(o.sig);
          else yield* F.pthread_kill(o.target === 'main' ? ctx.main : ctx.sib, o.sig);
          break;
        case 'sigaction':
          yield* F.sigaction(o.sig, hs[o.h]!);
          break;
        case 'post':
          yield* F.sem_post(s);
          break;
        case 'semwait':
          if (o.trywait) yield* F.sem_trywait(s);
          else yield* F.sem_wait(s);
          break;
        case 'condwait':
          // One wait, no predicate loop: a lost signal hangs and a spurious wake-up returns early.
          yield* F.pthread_mutex_lock(cvMutex);
          yield* F.pthread_cond_wait(cv, cvMutex);
          yield* F.pthread_mutex_unlock(cvMutex);
          break;
        case 'condsignal':
          yield* F.pthread_mutex_lock(cvMutex);
          if (o.all) yield* F.pthread_cond_broadcast(cv);
          else yield* F.pthread_cond_signal(cv);
          yield* F.pthread_mutex_unlock(cvMutex);
          break;
        case 'fork': {
          const pid = o.raw ? yield* F._Fork() : yield* F.fork();
          if (pid === 0) {
            yield* runOps(o.child, ctx);
            if (o.end === 'exit') yield* F.exit(3);
            else yield* F._exit(3);
          }
          if (o.wait) yield* F.waitpid(pid);
          else ctx.children.push(pid);
          break;
        }
        case 'end':
          if (o.how === 'exit') yield* F.exit(5);
          else yield* F._exit(5);
      }
    }
  }
  function* worker(main: number, sib: number, i: number): Generator<unknown, void, unknown> {
    yield* runOps(sp.threads[i]!, { main, sib, children: [] });
  }
  function* main(): Generator<unknown, number, unknown> {
    if (sp.sem) yield* F.sem_post(s);
    if (sp.atfork === 'lock')
      yield* F.pthread_atfork(
        function* prepare() { yield* F.pthread_mutex_lock(m.m1); },
        function* parent() { yield* F.pthread_mutex_unlock(m.m1); },
        function* child() { yield* F.pthread_mutex_unlock(m.m1); },
      );
    if (sp.atfork === 'malloc') yield* F.pthread_atfork(null, null, function* child() { yield* F.free(yield* F.malloc(4)); });
    const ctx: Ctx = { main: 0, sib: 0, children: [] };
    yield* runOps(sp.init, ctx);
    const me = (yield* F.pthread_self()) as number;
    const tids: number[] = [];
    for (let i = 1; i < sp.threads.length; i++) tids.push((yield* F.pthread_create(worker, me, tids[0] ?? me, i)) as number);
    yield* runOps(sp.threads[0]!, { main: me, sib: tids[0] ?? me, children: ctx.children });
    for (const t of tids) yield* F.pthread_join(t);
    for (const pid of ctx.children) yield* F.waitpid(pid);
    return (yield* F.load(cells.a)) * 10 + (yield* F.load(cells.b));
  }
  return { main, options: { libc: sp.libc, futex: sp.futex }, name: 'random' };
}

/** Searches and returns the final outcomes of every execution that ran to its end. */
export function outcomes(p: Program, strategy: 'dpor' | 'enumerate', maxExecutions: number) {
  const { report, outcomes: finals } = searchOutcomes(p, strategy, maxExecutions);
  return { report, finals: new Set(finals), kinds: new Set(report.findings.map((f) => f.kind)) };
}

export const specArb = spec;

describe('dpor against plain enumeration in the real world', () => {
  it('reaches the same outcomes and findings with signals, libc locks, fork, semaphores, condition variables and exits', () => {
    fc.assert(
      fc.property(spec, (sp) => {
        const p = build(sp);
        const all = outcomes(p, 'enumerate', 1_500);
        fc.pre(all.report.completeness.complete);
        const reduced = outcomes(p, 'dpor', 1_500);
        expect([...reduced.finals].sort()).toEqual([...all.finals].sort());
        expect([...reduced.kinds].sort()).toEqual([...all.kinds].sort());
        expect(reduced.report.stats.executions).toBeLessThanOrEqual(all.report.stats.executions);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60), seed: Number(process.env.PROPERTY_SEED ?? 20261128) },
    );
    // Every search is bounded by executions (1,500 each way), not by time; the 60 programs take 80 to
    // 120 s on a loaded 2-core machine, so the timeout leaves room for a slower one.
  }, 300_000);
});
