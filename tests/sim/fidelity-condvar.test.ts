// Condition variables that can hang. On glibc a waiter sleeps in futex_wait on the condvar's
// __g_signals word until pthread_cond_signal or _broadcast hands it a signal
// (nptl/pthread_cond_wait.c, __pthread_cond_wait_common: "we wait until a signal is available");
// nothing else wakes it. POSIX allows spurious wake-ups, so the explorer still tries one, but a waiter
// whose only way forward is a spurious wake-up is stuck, and a state where every thread is stuck is
// a deadlock.
import { describe, expect, it } from 'vitest';
import {
  assert,
  cell,
  cond,
  load,
  mutex,
  pthread_cond_broadcast,
  pthread_cond_signal,
  pthread_cond_wait,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  sem,
  sem_post,
  sem_wait,
  store,
} from '../../sim/api/index.ts';
import { explore } from '../../sim/explore/index.ts';
import { explain } from '../../sim/render/index.ts';
import { prog } from './world-helpers.ts';

const m = mutex('m');
const cv = cond('cv');
const ready = cell('ready', 0);
const count = cell('count', 0);

/** Sets the predicate and signals, under the mutex. */
function* setter() {
  yield* pthread_mutex_lock(m);
  yield* store(ready, 1);
  yield* pthread_cond_signal(cv);
  yield* pthread_mutex_unlock(m);
}

function* waitReady(): Generator<unknown, void, unknown> {
  yield* pthread_mutex_lock(m);
  while ((yield* load(ready)) === 0) yield* pthread_cond_wait(cv, m);
  yield* pthread_mutex_unlock(m);
}

describe('condition variables that can hang', () => {
  it('a waiter nobody will signal is a deadlock, explained by the condition variable, found completely', () => {
    const report = explore(
      prog(function* main() {
        const t = yield* pthread_create(waitReady);
        yield* pthread_join(t);
      }),
    );
    expect(report.verdict).toBe('deadlock');
    expect(report.completeness).toEqual({ complete: true });
    const f = report.findings[0]!;
    const waiter = f.stuck!.find((s) => s.tid === 1001)!;
    expect(waiter.waitsFor).toEqual({ kind: 'cond', name: 'cv' });
    expect(waiter.sentence).toContain(
      "waits on condition variable cv's group 0 signals (futex_wait on __g_signals[0]), which no thread will signal",
    );
    // The explanation leads with the wait that matters, not with main's pthread_join.
    expect(explain(f)[0]).toContain('condition variable cv');
    expect(f.schedule.length).toBeLessThan(200);
  });

  it('a textbook predicate loop is proven ok, completely, in few executions', () => {
    const report = explore(
      prog(function* main() {
        const t = yield* pthread_create(setter);
        yield* waitReady();
        yield* pthread_join(t);
      }),
    );
    expect(report.verdict).toBe('ok');
    expect(report.completeness).toEqual({ complete: true });
    expect(report.stats.executions).toBeLessThan(100);
  });

  it('a lost update that leaves a waiter hanging is found, as it is with a semaphore', () => {
    // Two workers increment count without the lock (load, then store), then signal; the waiter waits
    // for count == 2. When both read 0, count ends at 1 and the waiter sleeps forever.
    function* worker(): Generator<unknown, void, unknown> {
      const n = yield* load(count);
      yield* store(count, n + 1);
      yield* pthread_mutex_lock(m);
      yield* pthread_cond_broadcast(cv);
      yield* pthread_mutex_unlock(m);
    }
    const report = explore(
      prog(function* main() {
        const a = yield* pthread_create(worker);
        const b = yield* pthread_create(worker);
        yield* pthread_mutex_lock(m);
        while ((yield* load(count)) < 2) yield* pthread_cond_wait(cv, m);
        yield* pthread_mutex_unlock(m);
        yield* pthread_join(a);
        yield* pthread_join(b);
      }),
    );
    expect(report.verdict).toBe('deadlock');
    expect(report.completeness).toEqual({ complete: true });
    expect(report.findings[0]!.stuck!.find((s) => s.tid === 1000)!.waitsFor).toEqual({ kind: 'cond', name: 'cv' });

    // The same program on a semaphore (the reference the report compares with).
    const s = sem('s', 0);
    const onSem = explore(
      prog(function* main() {
        const a = yield* pthread_create(function* w() {
          yield* store(count, (yield* load(count)) + 1);
          yield* sem_post(s);
        });
        const b = yield* pthread_create(function* w() {
          yield* store(count, (yield* load(count)) + 1);
          yield* sem_post(s);
        });
        yield* sem_wait(s);
        yield* sem_wait(s);
        assert((yield* load(count)) === 2, 'lost update');
        yield* pthread_join(a);
        yield* pthread_join(b);
      }),
    );
    expect(onSem.verdict).toBe('assertion');
  });

  it('still tries a spurious wake-up while another thread runs: a wait without a predicate loop is a bug', () => {
    const report = explore(
      prog(function* main() {
        const t = yield* pthread_create(setter);
        yield* pthread_mutex_lock(m);
        if ((yield* load(ready)) === 0) yield* pthread_cond_wait(cv, m);
        assert((yield* load(ready)) === 1, 'woke with ready still 0');
        yield* pthread_mutex_unlock(m);
        yield* pthread_join(t);
      }),
    );
    expect(report.verdict).toBe('assertion');
    expect(report.findings[0]!.schedule).toContain('~spurious');
  });

  it('an execution cut at the step bound is not a complete search, and names the thread that loops', () => {
    const flag = cell('flag', 0);
    const report = explore(
      prog(function* main() {
        const t = yield* pthread_create(function* spinner() {
          while ((yield* load(flag)) === 0) {
            /* spins: nobody sets flag */
          }
        });
        yield* pthread_join(t);
      }),
      { maxSteps: 300 },
    );
    expect(report.verdict).toBe('error');
    expect(report.completeness).toEqual({ complete: false, stoppedBy: 'maxSteps' });
    expect(report.findings[0]!.message).toMatch(/^Thread 1001 of process 1000 /);
  });
});
