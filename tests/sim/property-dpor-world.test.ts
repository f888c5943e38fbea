// Property: on random small programs run in the real world (signals, libc locks, fork with atfork
// handlers, semaphores, condition variables, exits, reads, writes and seeks at a file offset that
// threads share and forked children inherit), DPOR reaches exactly the outcomes and finding kinds
// that plain enumeration of every interleaving reaches, under each libc model and futex mode.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as F from '../../sim/api/index.ts';
import type { ExploreOptions, Program } from '../../sim/types.ts';
import { searchOutcomes } from './world-helpers.ts';
import { CHLD_HANDLER, specArbitrary, type Cell, type Mx, type Op, type Spec } from './program-spec.ts';

const spec = specArbitrary();

/**
 * State outside every process, for the cached search: a MAP_SHARED cell the parent and its children
 * store to, and a log file each writer opens, appends to and closes (so what it holds is in no
 * process's descriptors). Main's exit status shows both.
 */
type Outside = { k: 'shstore'; v: 1 | 2 } | { k: 'log'; v: 1 | 2 };
const outside: fc.Arbitrary<Outside> = fc
  .tuple(fc.constantFrom<'shstore' | 'log'>('shstore', 'log'), fc.constantFrom<1 | 2>(1, 2))
  .map(([k, v]) => ({ k, v }));
const cachedSpec = specArbitrary<Outside>({
  leaves: [{ arbitrary: outside, weight: 2 }],
  child: [
    { k: 'shstore', v: 2 },
    { k: 'log', v: 2 },
  ],
});
const sh = F.sharedCell('sh', 0);

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
export function build(sp: Spec<Outside>): Program {
  const outsideUsed = /"k":"(shstore|log)"/.test(JSON.stringify(sp));
  const hs = sp.handlers.map(
    (body) =>
      function* handler() {
        yield* runOps(body, { main: 0, sib: 0, children: [] });
      },
  );
  function* onChld() {
    yield* runOps(CHLD_HANDLER, { main: 0, sib: 0, children: [] });
  }
  function* runOps(list: Op<Outside>[], ctx: Ctx): Generator<unknown, void, unknown> {
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
          yield* F.sigaction(o.sig, hs[o.h]);
          break;
        case 'mask':
          yield* F.pthread_sigmask(o.block ? F.SIG_BLOCK : F.SIG_UNBLOCK, [o.sig]);
          break;
        case 'chld':
          yield* F.sigaction('SIGCHLD', onChld);
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
          break;
        case 'fwrite':
          yield* F.write(3, 'x');
          break;
        case 'fseek':
          yield* F.lseek(3, 0, F.SEEK_SET);
          break;
        case 'fread':
          yield* F.store(cells[o.c], String(yield* F.read(3, 1)).length);
          break;
        case 'shstore':
          yield* F.store(sh, o.v);
          break;
        case 'log': {
          const fd = yield* F.open('/tmp/log', F.O_WRONLY | F.O_CREAT | F.O_APPEND);
          yield* F.write(fd, String(o.v));
          yield* F.close(fd);
          break;
        }
      }
    }
  }
  function* worker(main: number, sib: number, i: number): Generator<unknown, void, unknown> {
    yield* runOps(sp.threads[i]!, { main, sib, children: [] });
  }
  function* main(): Generator<unknown, number, unknown> {
    yield* F.open('/tmp/shared', F.O_RDWR | F.O_CREAT);
    if (sp.sem) yield* F.sem_post(s);
    if (sp.atfork === 'lock')
      yield* F.pthread_atfork(
        function* prepare() {
          yield* F.pthread_mutex_lock(m.m1);
        },
        function* parent() {
          yield* F.pthread_mutex_unlock(m.m1);
        },
        function* child() {
          yield* F.pthread_mutex_unlock(m.m1);
        },
      );
    if (sp.atfork === 'malloc')
      yield* F.pthread_atfork(null, null, function* child() {
        yield* F.free(yield* F.malloc(4));
      });
    const ctx: Ctx = { main: 0, sib: 0, children: [] };
    yield* runOps(sp.init, ctx);
    const me = yield* F.pthread_self();
    const tids: number[] = [];
    for (let i = 1; i < sp.threads.length; i++) tids.push(yield* F.pthread_create(worker, me, tids[0] ?? me, i));
    yield* runOps(sp.threads[0]!, { main: me, sib: tids[0] ?? me, children: ctx.children });
    for (const t of tids) yield* F.pthread_join(t);
    for (const pid of ctx.children) yield* F.waitpid(pid);
    const ab = (yield* F.load(cells.a)) * 10 + (yield* F.load(cells.b));
    if (!outsideUsed) return ab;
    // The shared cell and the log's last byte (ab stays below 100).
    const log = yield* F.open('/tmp/log', F.O_RDONLY);
    const text = log < 0 ? '' : String(yield* F.read(log, 64));
    return ab + (text.endsWith('2') ? 100 : 0) + ((yield* F.load(sh)) === 2 ? 50 : 0);
  }
  return { main, options: { libc: sp.libc, futex: sp.futex }, name: 'random' };
}

/** Searches and returns the final outcomes of every execution that ran to its end. */
export function outcomes(
  p: Program,
  strategy: 'dpor' | 'enumerate',
  maxExecutions: number,
  options: ExploreOptions = {},
) {
  const { report, outcomes: finals } = searchOutcomes(p, strategy, maxExecutions, options);
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

  it('with state caching, reaches the same outcomes and findings', () => {
    let pruned = 0;
    fc.assert(
      fc.property(cachedSpec, (sp) => {
        const p = build(sp);
        const all = outcomes(p, 'enumerate', 1_500);
        fc.pre(all.report.completeness.complete);
        const cached = outcomes(p, 'dpor', 1_500, { stateCache: true });
        expect(cached.report.completeness).toEqual({ complete: true });
        expect([...cached.finals].sort()).toEqual([...all.finals].sort());
        expect([...cached.kinds].sort()).toEqual([...all.kinds].sort());
        expect(cached.report.stats.distinctOutcomes).toBe(all.report.stats.distinctOutcomes);
        pruned += cached.report.stats.blocked ?? 0;
      }),
      {
        numRuns: Number(process.env.PROPERTY_RUNS ?? 40),
        seed: Number(process.env.PROPERTY_SEED ?? 20261204),
      },
    );
    // The programs reach explored states again: the property is about pruned searches.
    expect(pruned).toBeGreaterThan(0);
  }, 300_000);
});
