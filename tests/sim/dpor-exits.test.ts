// DPOR against plain enumeration when a step ends a whole process while one of its threads is blocked:
// the blocked thread never runs in that execution, yet what it would have done next races with the exit.
import { describe, expect, it } from 'vitest';
import {
  SIGUSR1,
  _exit,
  exit,
  fork,
  pthread_create,
  pthread_join,
  pthread_kill,
  pthread_self,
  waitpid,
} from '../../sim/api/index.ts';
import { prog, searchOutcomes as finals } from './world-helpers.ts';

/**
 * Main waits for a child, then kills its own process with SIGUSR1 (no handler); a worker exits the
 * process. When the worker exits while main is still in waitpid, the search must still try main
 * going on first (the child exiting, main reaped it and the signal ending the process, status SIGUSR1).
 */
const exitWhileWaiting = prog(
  function* main() {
    const me = yield* pthread_self();
    yield* pthread_create(function* worker() {
      yield* exit(5);
    });
    const pid = yield* fork();
    if (pid === 0) yield* _exit(3);
    yield* waitpid(pid);
    yield* pthread_kill(me, SIGUSR1);
    return 0;
  },
  { libc: 'none' },
);

/**
 * A worker signals main (no handler: the signal ends the process) while main may still be in waitpid
 * for its first child. The delivery ends main there, yet main reaping that child and forking again
 * before the signal is sent must still be tried: three children, whichever of the two ends the process.
 */
const signalWhileWaiting = prog(
  function* main() {
    const me = yield* pthread_self();
    const t = yield* pthread_create(function* worker(target: number) {
      yield* pthread_kill(target, SIGUSR1);
      if ((yield* fork()) === 0) yield* exit(3);
      yield* exit(5);
    }, me);
    const first = yield* fork();
    if (first === 0) yield* exit(3);
    yield* waitpid(first);
    const second = yield* fork();
    if (second === 0) yield* exit(3);
    yield* pthread_join(t);
    yield* waitpid(second);
    return 0;
  },
  { libc: 'none' },
);

describe('dpor with exits', () => {
  it('explores what a thread blocked in waitpid would do next when another thread exits its process first', () => {
    const all = finals(exitWhileWaiting, 'enumerate');
    const reduced = finals(exitWhileWaiting, 'dpor');
    expect(all.outcomes).toContain('x10,x768|');
    expect(reduced.outcomes).toEqual(all.outcomes);
    expect(reduced.report.stats.executions).toBeLessThan(all.report.stats.executions);
  });

  it('explores a thread going on past waitpid before a signal that, sent while it waited, would end its process there', () => {
    const all = finals(signalWhileWaiting, 'enumerate');
    const reduced = finals(signalWhileWaiting, 'dpor');
    expect(all.outcomes).toContain('x10,x768,x768,x768|');
    expect(reduced.outcomes).toEqual(all.outcomes);
    expect(reduced.report.stats.executions).toBeLessThan(all.report.stats.executions);
  });
});
