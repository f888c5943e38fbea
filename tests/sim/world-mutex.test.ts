// The world's mutexes: glibc's futex protocol, owners, and the errors of the three POSIX kinds.
import { describe, expect, it } from 'vitest';
import {
  EBUSY,
  EDEADLK,
  EPERM,
  _Fork,
  _exit,
  assert,
  cell,
  mutex,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_trylock,
  pthread_mutex_unlock,
  store,
} from '../../sim/api/index.ts';
import { createRun } from '../../sim/world/index.ts';
import type { TraceEvent } from '../../sim/events.ts';
import { drive, prog, runFirst, forkWhileHeld } from './world-helpers.ts';

const types = (evs: readonly TraceEvent[]) => evs.map((e) => e.type);
const ids = (run: ReturnType<typeof createRun>) => run.enabled().map((t) => t.id);

describe('mutexes on a futex word', () => {
  it('an uncontended lock and unlock make no futex call', () => {
    const m = mutex('m');
    const run = runFirst(
      prog(function* main() {
        yield* pthread_mutex_lock(m);
        yield* pthread_mutex_unlock(m);
      }),
    );
    expect(types(run.trace())).toContain('mutex.lock');
    expect(types(run.trace()).filter((t) => t.startsWith('futex.'))).toEqual([]);
  });

  it('a contended lock sets the word to 2, waits on the futex, and the unlock wakes it', () => {
    const m = mutex('m');
    const program = prog(function* main() {
      yield* pthread_mutex_lock(m);
      const t = yield* pthread_create(function* worker() {
        yield* pthread_mutex_lock(m);
        yield* pthread_mutex_unlock(m);
      });
      yield* pthread_mutex_unlock(m);
      yield* pthread_join(t);
    });
    const run = drive(program, ['1000', '1000']); // lock, create
    const attempt = run.step('1001');
    expect(attempt.events.map((e) => e.type)).toEqual(['futex.wait']);
    expect(attempt.events[0]).toMatchObject({ type: 'futex.wait', val: 2, lock: 'm' });
    expect(ids(run)).toEqual(['1000']); // the waiter is not enabled
    const unlock = run.step('1000');
    expect(unlock.events.find((e) => e.type === 'futex.wake')).toMatchObject({ count: 1, woken: [1001] });
    expect(ids(run)).toContain('1001');
    const retry = run.step('1001');
    expect(types(retry.events).slice(0, 2)).toEqual(['futex.resume', 'mutex.lock']);
  });

  it('a woken waiter that finds the lock taken again goes back to waiting', () => {
    const m = mutex('m');
    const program = prog(function* main() {
      yield* pthread_mutex_lock(m);
      const t = yield* pthread_create(function* worker() {
        yield* pthread_mutex_lock(m);
        yield* pthread_mutex_unlock(m);
      });
      yield* pthread_mutex_unlock(m);
      yield* pthread_mutex_lock(m);
      yield* pthread_mutex_unlock(m);
      yield* pthread_join(t);
    });
    const run = drive(program, ['1000', '1000', '1001', '1000', '1000']); // main unlocks, then relocks first
    const retry = run.step('1001');
    expect(types(retry.events)).toEqual(['futex.resume', 'futex.wait']);
    expect(ids(run)).toEqual(['1000']);
  });

  it('wakes waiters in the order they started waiting', () => {
    const m = mutex('m');
    const order = cell('order', '');
    function* worker(name: string) {
      yield* pthread_mutex_lock(m);
      yield* store(order, name);
      yield* pthread_mutex_unlock(m);
    }
    const program = prog(function* main() {
      yield* pthread_mutex_lock(m);
      const a = yield* pthread_create(worker, 'a');
      const b = yield* pthread_create(worker, 'b');
      yield* pthread_mutex_unlock(m);
      yield* pthread_join(a);
      yield* pthread_join(b);
    });
    const run = drive(program, ['1000', '1000', '1000', '1002', '1001', '1000']);
    const wake = run.trace().filter((e) => e.type === 'futex.wake');
    expect(wake).toMatchObject([{ woken: [1002] }]);
  });

  it('relocking an error-checking mutex returns EDEADLK and trylock on a held mutex returns EBUSY', () => {
    const e = mutex('e', { type: 'errorcheck' });
    const n = mutex('n');
    const got: number[] = [];
    runFirst(
      prog(function* main() {
        yield* pthread_mutex_lock(e);
        got.push(yield* pthread_mutex_lock(e));
        yield* pthread_mutex_lock(n);
        got.push(yield* pthread_mutex_trylock(n));
      }),
    );
    expect(got).toEqual([EDEADLK, EBUSY]);
  });

  it("a recursive mutex counts its owner's locks", () => {
    const r = mutex('r', { type: 'recursive' });
    const got: number[] = [];
    const run = runFirst(
      prog(function* main() {
        yield* pthread_mutex_lock(r);
        yield* pthread_mutex_lock(r);
        got.push(yield* pthread_mutex_unlock(r));
        got.push(yield* pthread_mutex_unlock(r));
        got.push(yield* pthread_mutex_unlock(r));
      }),
    );
    expect(got).toEqual([0, 0, EPERM]);
    expect(run.findings()).toEqual([]);
  });

  it('unlocking an error-checking mutex the caller does not own returns EPERM and leaves it locked', () => {
    const e = mutex('e', { type: 'errorcheck' });
    const got: number[] = [];
    const program = prog(function* main() {
      yield* pthread_mutex_lock(e);
      const t = yield* pthread_create(function* other() {
        got.push(yield* pthread_mutex_unlock(e));
        got.push(yield* pthread_mutex_trylock(e));
      });
      yield* pthread_join(t);
    });
    runFirst(program, [1001]);
    expect(got).toEqual([EPERM, EBUSY]);
  });

  it('a normal mutex unlocks whoever owns it, as glibc does', () => {
    const n = mutex('n');
    const got: number[] = [];
    runFirst(
      prog(function* main() {
        yield* pthread_mutex_lock(n);
        const t = yield* pthread_create(function* other() {
          got.push(yield* pthread_mutex_unlock(n));
          got.push(yield* pthread_mutex_trylock(n));
        });
        yield* pthread_join(t);
      }),
      [1001],
    );
    expect(got).toEqual([0, 0]);
  });

  it('a waiter that finds the word already taken only reads the mutex, a taker writes it', () => {
    const m = mutex('m');
    const program = prog(function* main() {
      yield* pthread_mutex_lock(m);
      const t = yield* pthread_create(function* worker() {
        yield* pthread_mutex_lock(m);
      });
      yield* pthread_join(t);
    });
    const run = createRun(program);
    const first = run.enabled()[0]!;
    expect(run.peek(first).filter((a) => a.obj.startsWith('1000/'))).toEqual([{ obj: '1000/m:m', write: true }]);
    run.step('1000');
    run.step('1000');
    const waiter = run.enabled().find((t) => t.tid === 1001)!;
    expect(run.peek(waiter)).toContainEqual({ obj: '1000/m:m', write: false });
  });

  it('a thread that locks a normal mutex it holds deadlocks on itself', () => {
    const m = mutex('m');
    const run = runFirst(
      prog(function* main() {
        yield* pthread_mutex_lock(m);
        yield* pthread_mutex_lock(m);
        assert(false, 'never reached');
      }),
    );
    const [f] = run.findings();
    expect(f?.kind).toBe('deadlock');
    expect(f?.stuck?.[0]?.sentence).toContain('already holds itself');
  });
});

describe("futex: 'blocking'", () => {
  const m = mutex('m');
  function* worker() {
    yield* pthread_mutex_lock(m);
    yield* pthread_mutex_unlock(m);
  }

  it('a thread whose lock is held by a live thread of its process waits without a futex call', () => {
    const program = prog(
      function* main() {
        yield* pthread_mutex_lock(m);
        const t = yield* pthread_create(worker);
        yield* pthread_mutex_unlock(m);
        yield* pthread_join(t);
      },
      { futex: 'blocking' },
    );
    const run = drive(program, ['1000', '1000']);
    expect(ids(run)).toEqual(['1000']);
    expect(run.blocked?.().map((b) => [b.transition.id, b.accesses.find((a) => a.obj === '1000/m:m')?.write])).toEqual([
      ['1001', true],
    ]);
    run.step('1000'); // unlock: nobody waits on the futex
    expect(ids(run)).toContain('1001');
    const all = runFirst(program)
      .trace()
      .map((e) => e.type);
    expect(all.filter((x) => x.startsWith('futex.'))).toEqual([]);
  });

  it('a child still waits in FUTEX_WAIT for a lock that fork left behind', () => {
    const run = drive(forkWhileHeld(m, { futex: 'blocking' }), ['1000', '1001', '1000', '1002']);
    expect(run.trace().at(-1)).toMatchObject({ type: 'futex.wait', pid: 1002 });
  });
});
