// The PCT probe of the default check (sim/explore/search.ts): a deadlock that DPOR's order reaches
// only after about two thousand executions is reported within a few hundred, with a schedule that
// replays to it; a program without a bug is still proven ok by DPOR alone.
import { describe, expect, it } from 'vitest';
import { explore, replay } from '../../sim/explore/index.ts';
import type { Program } from '../../sim/types.ts';
import {
  cell,
  load,
  mutex,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  store,
} from '../../sim/api/index.ts';

const a = mutex('a');
const b = mutex('b');
const stats = mutex('stats');
const n = cell('n', 0);

/** Three rounds of a counter under its own lock: races DPOR reverses first, latest first. */
function* noisy(k: number) {
  for (let i = 0; i < 3; i++) {
    yield* pthread_mutex_lock(stats);
    const v = yield* load(n);
    yield* store(n, v + k);
    yield* pthread_mutex_unlock(stats);
  }
}

/** A lock-order inversion after the noise: a and b taken in opposite orders by two threads. */
function* pair(first: typeof a, second: typeof a, k: number) {
  yield* noisy(k);
  yield* pthread_mutex_lock(first);
  yield* pthread_mutex_lock(second);
  yield* pthread_mutex_unlock(second);
  yield* pthread_mutex_unlock(first);
}

function* main() {
  const t1 = yield* pthread_create(pair, a, b, 1);
  const t2 = yield* pthread_create(pair, b, a, 2);
  const t3 = yield* pthread_create(noisy, 3);
  yield* pthread_join(t1);
  yield* pthread_join(t2);
  yield* pthread_join(t3);
  return 0;
}

const inversion: Program = { main, options: { libc: 'none' } };

/** The same threads in one lock order: no deadlock in any schedule. */
function* fixedMain() {
  const t1 = yield* pthread_create(pair, a, b, 1);
  const t2 = yield* pthread_create(pair, a, b, 2);
  yield* pthread_join(t1);
  yield* pthread_join(t2);
  return 0;
}

describe('the default check with its PCT probe', () => {
  it('reports a lock-order inversion behind noise within a few hundred executions (DPOR alone: about 2,000)', () => {
    const report = explore(inversion);
    expect(report.verdict).toBe('deadlock');
    expect(report.completeness).toEqual({ complete: true });
    expect(report.stats.executions).toBeLessThan(500);
    const found = report.findings[0]!;
    const run = replay(inversion, found.schedule);
    expect(run.findings().map((f) => f.kind)).toContain('deadlock');
  });

  it('leaves the proof of a correct program to DPOR: complete and ok', () => {
    const fixed: Program = { main: fixedMain, options: { libc: 'none' } };
    const report = explore(fixed);
    expect(report.stats.executions).toBeGreaterThan(50);
    expect(report.verdict).toBe('ok');
    expect(report.completeness).toEqual({ complete: true });
  });
});
