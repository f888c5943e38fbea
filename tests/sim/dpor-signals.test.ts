// DPOR against plain enumeration on programs with signals, in the real world: a signal sent to a
// thread replaces its next step by the delivery, so that step never races with the send.
import { describe, expect, it } from 'vitest';
import { countTraces } from '../../sim/explore/traces.ts';
import { createRun } from '../../sim/world/index.ts';
import {
  SIGUSR1,
  _exit,
  cell,
  fork,
  getpid,
  kill,
  load,
  mutex,
  pthread_create,
  pthread_join,
  pthread_kill,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  pthread_self,
  sigaction,
  store,
} from '../../sim/api/index.ts';
import { prog, searchOutcomes as finals } from './world-helpers.ts';

const m = mutex('m');

/** The handler takes the lock the interrupted thread may hold; the sender's lock orders it after main's. */
const handlerRelocks = prog(
  function* main() {
    yield* sigaction(SIGUSR1, function* handler() {
      yield* pthread_mutex_lock(m);
      yield* pthread_mutex_unlock(m);
    });
    const me = yield* pthread_self();
    const t = yield* pthread_create(function* sender(target: number) {
      yield* pthread_mutex_lock(m);
      yield* pthread_mutex_unlock(m);
      yield* pthread_kill(target, SIGUSR1);
    }, me);
    yield* pthread_mutex_lock(m);
    yield* pthread_mutex_unlock(m);
    yield* pthread_join(t);
    return 0;
  },
  { libc: 'none' },
);

const a = cell('a', 0);
const b = cell('b', 0);

/** The signal may land before, between or after the worker's two stores, or find it gone (ESRCH). */
const signalBetweenStores = prog(
  function* main() {
    yield* sigaction(SIGUSR1, function* handler() {
      const v = yield* load(b);
      yield* store(b, v + 1);
    });
    const t = yield* pthread_create(function* worker() {
      yield* store(b, 1);
      yield* store(a, 2);
    });
    yield* pthread_kill(t, SIGUSR1);
    yield* pthread_join(t);
    return (yield* load(a)) * 10 + (yield* load(b));
  },
  { libc: 'none' },
);

/**
 * A signal sent to the whole process may go to the worker while it is still alive: its handler starts
 * forking, and main's exit ends the process first. Whether the worker can take it depends on whether
 * its exit came before the kill.
 */
const processSignalToExitingWorker = prog(
  function* main() {
    yield* pthread_create(function* worker() {
      yield* sigaction(SIGUSR1, function* handler() {
        if ((yield* fork()) === 0) yield* _exit(3);
      });
    });
    yield* kill(yield* getpid(), SIGUSR1);
    return 0;
  },
  { libc: 'none' },
);

describe('dpor with signals', () => {
  it('finds the handler that relocks a mutex its thread holds when the sender is ordered after that thread by a lock', () => {
    const { report } = finals(handlerRelocks, 'dpor');
    expect(report.findings.map((f) => f.kind)).toContain('deadlock');
  });

  it('reaches the outcomes of plain enumeration, one execution per trace, when a signal can land between two steps', () => {
    for (const p of [handlerRelocks, signalBetweenStores]) {
      const all = finals(p, 'enumerate');
      const reduced = finals(p, 'dpor');
      expect(reduced.outcomes).toEqual(all.outcomes);
      expect(reduced.report.stats.executions).toBe(countTraces(() => createRun(p)).traces);
    }
  });

  it('reaches the outcome where a worker takes a signal sent to its process and the exit of main ends the process during the handler', () => {
    const all = finals(processSignalToExitingWorker, 'enumerate');
    const reduced = finals(processSignalToExitingWorker, 'dpor');
    expect(all.outcomes).toContain('x0|');
    expect(reduced.outcomes).toEqual(all.outcomes);
  });
});
