// Pids and tids name their maker, never the order of making (World.nextId, sim/README.md "Ids"): two
// creations in different threads commute, so DPOR, which takes them for independent, is right to.
import { describe, expect, it } from 'vitest';
import * as F from '../../sim/api/index.ts';
import { prog, runFirst, searchOutcomes, searchRuns } from './world-helpers.ts';

describe('ids', () => {
  it('a fork in a child and a pthread_create in its parent commute: DPOR reaches what enumeration reaches', () => {
    // With one counter for every id, the grandchild's pid and the thread's tid came in the order of
    // the two calls, which DPOR explored one way only: one outcome of two.
    const sh = F.sharedCell('sh', 0);
    const p = prog(function* main() {
      const c = yield* F._Fork();
      if (c === 0) {
        const g = yield* F._Fork();
        if (g === 0) yield* F._exit(0);
        yield* F.store(sh, g);
        yield* F._exit(0);
      }
      const t = yield* F.pthread_create(function* () {
        return 0;
      });
      yield* F.waitpid(c);
      const g = yield* F.load(sh);
      yield* F.exit(g < t ? 1 : 2);
    });
    const all = searchOutcomes(p, 'enumerate').outcomes;
    expect(searchOutcomes(p, 'dpor').outcomes).toEqual(all);
    expect(all).toHaveLength(1);
  });

  it('the k-th thread or process a thread makes gets the same id whatever the others did first', () => {
    const made: number[] = [];
    function* worker() {
      const pid = yield* F._Fork();
      if (pid === 0) {
        const t = yield* F.pthread_create(function* () {
          return 0;
        });
        yield* F.pthread_join(t);
        yield* F._exit(0);
      }
      made.push(pid);
      yield* F.waitpid(pid);
    }
    const p = prog(function* main() {
      const a = yield* F.pthread_create(worker);
      const b = yield* F.pthread_create(worker);
      yield* F.pthread_join(a);
      yield* F.pthread_join(b);
    });
    // Main's are 1000 + k; any other thread T's are T * 100 + k.
    for (const prefer of [[1001], [1002]]) {
      made.length = 0;
      const run = runFirst(p, prefer);
      expect(made.sort()).toEqual([100101, 100201]);
      const created = run.trace().filter((e) => e.type === 'thread.create');
      expect(created.map((e) => [e.tid, (e as { child: number }).child]).sort()).toEqual([
        [1000, 1001],
        [1000, 1002],
        [100101, 10010101],
        [100201, 10020101],
      ]);
    }
  });

  it('waitpid(-1) among exited children reaps the smallest pid, whichever thread forked first', () => {
    function* worker() {
      const pid = yield* F._Fork();
      if (pid === 0) yield* F._exit(0);
    }
    const p = prog(function* main() {
      const a = yield* F.pthread_create(worker);
      const b = yield* F.pthread_create(worker);
      yield* F.pthread_join(a);
      yield* F.pthread_join(b);
      yield* F.waitpid(-1);
    });
    const { runs } = searchRuns(p, { strategy: 'enumerate', stopAtFirst: false });
    let both = 0;
    for (const run of runs) {
      const trace = run.trace();
      const wait = trace.findIndex((e) => e.type === 'proc.wait');
      const exits = trace.slice(0, wait).filter((e) => e.type === 'proc.exit' && e.pid !== 1000);
      if (exits.length < 2) continue;
      both++;
      expect((trace[wait] as { child: number }).child).toBe(100101);
    }
    expect(both).toBeGreaterThan(1);
  });
});
