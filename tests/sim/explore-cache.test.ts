// State caching in DPOR (ExploreOptions.stateCache): the world's fingerprint names a state whatever
// order of independent steps reached it and tells states apart that differ anywhere, and a cached
// search of the tst-fork1 examples under the exact futex protocol still finds "another thread takes
// the lock between unlock and fork" (r743) and still proves r815, in fewer steps.
import { describe, expect, it } from 'vitest';
import * as F from '../../sim/api/index.ts';
import { createRun } from '../../sim/world/index.ts';
import { search } from '../../sim/explore/search.ts';
import { replay } from '../../sim/explore/index.ts';
import type { ExploreOptions, Program, Run } from '../../sim/types.ts';
import * as r743 from '../../content/examples/tst-fork1-r743-2.ts';
import * as r815 from '../../content/examples/tst-fork1-r815-3.ts';

const a = F.cell('a', 0);
const b = F.cell('b', 0);
const m = F.mutex('m');

function* setA() {
  yield* F.store(a, 1);
}
function* setB() {
  yield* F.store(b, 1);
}
function* lockM() {
  yield* F.pthread_mutex_lock(m);
  yield* F.pthread_mutex_unlock(m);
}

const twoWriters: Program = {
  main: function* main() {
    const t1 = yield* F.pthread_create(setA);
    const t2 = yield* F.pthread_create(setB);
    yield* F.pthread_join(t1);
    yield* F.pthread_join(t2);
  },
  options: { libc: 'none' },
};

const twoLockers: Program = {
  main: function* main() {
    const t1 = yield* F.pthread_create(lockM);
    const t2 = yield* F.pthread_create(lockM);
    yield* F.pthread_join(t1);
    yield* F.pthread_join(t2);
  },
  options: { libc: 'none' },
};

/** Runs `ids` (thread ids; each the thread's plain step) from the start and returns the run. */
function runTo(p: Program, ids: number[]): Run {
  const run = createRun(p);
  for (const tid of ids) run.step(String(tid));
  return run;
}

describe('the world fingerprint', () => {
  it('is the same for one state reached by both orders of two independent steps, in another run', () => {
    // main creates 1001 and 1002 (two steps); then the two stores in either order.
    const ab = runTo(twoWriters, [1000, 1000, 1001, 1002]);
    const ba = runTo(twoWriters, [1000, 1000, 1002, 1001]);
    expect(ab.fingerprint!()).toBe(ba.fingerprint!());
    expect(runTo(twoWriters, []).fingerprint!()).toBe(createRun(twoWriters).fingerprint!());
  });

  it('differs when a cell, a lock or a thread differs', () => {
    const start = runTo(twoWriters, [1000, 1000]);
    const one = runTo(twoWriters, [1000, 1000, 1001]);
    expect(one.fingerprint!()).not.toBe(start.fingerprint!());
    expect(one.fingerprint!()).not.toBe(runTo(twoWriters, [1000, 1000, 1002]).fingerprint!());
    // Which thread holds the lock.
    const held1 = runTo(twoLockers, [1000, 1000, 1001]);
    const held2 = runTo(twoLockers, [1000, 1000, 1002]);
    expect(held1.fingerprint!()).not.toBe(held2.fingerprint!());
    // A thread waiting in FUTEX_WAIT or not yet there: the same records, another phase.
    const waiting = runTo(twoLockers, [1000, 1000, 1001, 1002]);
    expect(waiting.fingerprint!()).not.toBe(held1.fingerprint!());
  });

  it('names a state holding a value it cannot walk (a cycle) apart from every other state', () => {
    const loop: { self?: unknown } = {};
    loop.self = loop;
    const c = F.cell<unknown>('c', 0);
    const p: Program = {
      main: function* main() {
        yield* F.store(c, loop);
      },
      options: { libc: 'none' },
    };
    const one = runTo(p, [1000]);
    const two = runTo(p, [1000]);
    expect(one.fingerprint!()).not.toBe(two.fingerprint!());
    expect(one.fingerprint!()).not.toBe(one.fingerprint!());
  });
});

/** A program whose exit status is 1 or 2 depending on which of two processes wrote last. */
const lastWriter = {
  // A MAP_SHARED cell: one copy that the parent and its child both store to.
  shared: ((): Program => {
    const x = F.sharedCell('x', 0);
    return {
      main: function* main() {
        const pid = yield* F.fork();
        if (pid === 0) {
          yield* F.store(x, 2);
          yield* F._exit(0);
        }
        yield* F.store(x, 1);
        yield* F.waitpid(pid);
        return yield* F.load(x);
      },
      options: { libc: 'none' },
    };
  })(),
  // A file both append to and close: what it holds is in no process once they have closed it.
  file: {
    main: function* main() {
      const pid = yield* F.fork();
      const fd = yield* F.open('f', F.O_CREAT | F.O_WRONLY | F.O_APPEND);
      yield* F.write(fd, pid === 0 ? 'c' : 'p');
      yield* F.close(fd);
      if (pid === 0) yield* F._exit(0);
      yield* F.waitpid(pid);
      const r = yield* F.open('f', F.O_RDONLY);
      return (yield* F.read(r, 10)) === 'pc' ? 1 : 2;
    },
    options: { libc: 'none' },
  } as Program,
};

describe('dpor with state caching on state outside the processes', () => {
  for (const [what, p] of Object.entries(lastWriter)) {
    it(`tells apart states that differ only in ${what === 'shared' ? 'a shared mapping' : "a closed file's contents"}`, () => {
      const statuses = (o: ExploreOptions) =>
        search(() => createRun(p), { stopAtFirst: false, ...o }).stats.distinctOutcomes;
      expect(statuses({ stateCache: false })).toBe(2);
      expect(statuses({ stateCache: true })).toBe(2);
    });
  }
});

const load = (mod: { default: Program['main']; options: object }): Program => ({
  main: mod.default,
  options: mod.options,
});

function steps(p: Program, options: ExploreOptions): { report: ReturnType<typeof search>; steps: number } {
  let n = 0;
  const report = search(
    () => {
      const run = createRun(p, { maxSteps: 5000 });
      const step = run.step.bind(run);
      run.step = (id) => {
        n++;
        return step(id);
      };
      return run;
    },
    { stopAtFirst: false, maxExecutions: 5_000, ...options },
  );
  return { report, steps: n };
}

/** Two complete searches a test; a loaded machine gets more room than vitest's default 5 s. */
const SEARCH_TIMEOUT = 60_000;

describe('dpor with state caching on tst-fork1 (exact futex protocol)', () => {
  it(
    'finds that another thread takes the lock between unlock and fork (r743, 2 threads)',
    () => {
      const p = load(r743);
      const cached = steps(p, { stateCache: true });
      const plain = steps(p, { stateCache: false });
      expect(cached.report.completeness).toEqual({ complete: true });
      expect(cached.report.findings.map((f) => f.kind).sort()).toEqual(['deadlock', 'fd-leak']);
      expect(cached.report.stats.distinctOutcomes).toBe(plain.report.stats.distinctOutcomes);
      // The counterexample is a real schedule: replayed, it deadlocks a child on libc_lock.
      const deadlock = cached.report.findings.find((f) => f.kind === 'deadlock')!;
      const run = replay(p, deadlock.schedule);
      expect(run.enabled()).toEqual([]);
      expect(run.findings().map((f) => f.kind)).toContain('deadlock');
      expect(deadlock.stuck?.some((s) => s.waitsFor?.kind === 'mutex' && s.waitsFor.name === 'libc_lock')).toBe(true);
      expect(cached.steps).toBeLessThan(plain.steps);
    },
    SEARCH_TIMEOUT,
  );

  it(
    'gives the same findings when caching starts in the middle of the search',
    () => {
      for (const mod of [r743, r815]) {
        const p = load(mod);
        const late = steps(p, { stateCache: 20 });
        const plain = steps(p, { stateCache: false });
        expect(late.report.completeness).toEqual({ complete: true });
        expect(late.report.findings.map((f) => f.kind).sort()).toEqual(plain.report.findings.map((f) => f.kind).sort());
        expect(late.report.stats.distinctOutcomes).toBe(plain.report.stats.distinctOutcomes);
        expect(late.steps).toBeLessThan(plain.steps);
      }
    },
    SEARCH_TIMEOUT,
  );

  it(
    'proves r815 (3 threads) deadlock-free in fewer steps',
    () => {
      const p = load(r815);
      const cached = steps(p, { stateCache: true });
      const plain = steps(p, { stateCache: false });
      expect(cached.report.completeness).toEqual({ complete: true });
      expect(cached.report.verdict).toBe('ok');
      expect(plain.report.verdict).toBe('ok');
      expect(cached.steps).toBeLessThan(plain.steps);
    },
    SEARCH_TIMEOUT,
  );
});
