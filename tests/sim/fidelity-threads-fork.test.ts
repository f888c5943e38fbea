// Threads across fork. In the child, glibc's reclaim_stacks (sysdeps/nptl/fork.h, glibc 2.36) marks
// every other thread's descriptor free ("This marks the stack as free": curp->tid = 0), and
// __pthread_clockjoin_ex (nptl/pthread_join_common.c) waits only while pd->tid != 0, so a join on a
// thread that exists only in the parent returns 0 at once with the descriptor's result (pd->result,
// which reclaim_stacks leaves as it was). Measured here (glibc 2.36,
// tests/sim/fidelity-threads-fork/join_child.c, 20 of 20 runs): join on a thread still running in the
// parent returns 0 with NULL; on one that had exited unjoined, 0 with its return value (0x2a); the
// child's getpid() equals its gettid() and getppid() is the parent's pid. And execve from a thread
// other than main: Linux's de_thread (fs/exec.c) kills the other threads and gives the exec'ing
// thread the leader's pid ("exchange_tids(tsk, leader)"), so the new image runs with gettid() ==
// getpid() == the pid fork returned (measured: tests/sim/fidelity-threads-fork/exec_thread.c, 20 of 20).
import { describe, expect, it } from 'vitest';
import {
  _exit,
  assert,
  execve,
  fork,
  getpid,
  getppid,
  gettid,
  pthread_create,
  pthread_join,
  sem,
  sem_post,
  sem_wait,
  waitpid,
  WEXITSTATUS,
} from '../../sim/api/index.ts';
import { explore } from '../../sim/explore/index.ts';
import { prog } from './world-helpers.ts';

describe('pthread_join and ids in a child', () => {
  it("joining a parent-only thread returns at once with NULL, never ESRCH, and the ids are the child's", () => {
    const forever = sem('forever', 0);
    const done = sem('done', 0);
    const report = explore(
      prog(function* main() {
        const parent = yield* getpid();
        const sleeper = yield* pthread_create(function* sleeper() {
          yield* sem_wait(forever);
        });
        const quick = yield* pthread_create(function* quick() {
          yield* sem_post(done);
          return 42;
        });
        yield* sem_wait(done);
        const pid = yield* fork();
        if (pid === 0) {
          assert((yield* pthread_join(sleeper)) === null, 'join on a running parent thread');
          const v = yield* pthread_join(quick);
          // quick may or may not have finished before the fork: its value or NULL, never ESRCH.
          assert(v === 42 || v === null, `join on an exited parent thread gave ${String(v)}`);
          assert((yield* getpid()) === (yield* gettid()), 'getpid == gettid in the child');
          assert((yield* getppid()) === parent, 'getppid is the parent');
          yield* _exit(v === 42 ? 1 : 0);
        }
        const { status } = yield* waitpid(pid);
        yield* sem_post(forever);
        yield* pthread_join(sleeper);
        yield* pthread_join(quick);
        return WEXITSTATUS(status);
      }),
    );
    expect(report.verdict).toBe('ok');
    expect(report.completeness).toEqual({ complete: true });
  });

  it('a thread that exited unjoined before the fork gives the child its value; one exiting after it, NULL', () => {
    // Both orders of quick's exit and main's fork are explored: the fork reads quick's descriptor.
    const childSaw = (want: unknown) =>
      explore(
        prog(function* main() {
          const quick = yield* pthread_create(function* quick() {
            return 42;
          });
          const pid = yield* fork();
          if (pid === 0) {
            const v = yield* pthread_join(quick);
            assert(v !== want, `the child's join gave ${String(v)}`);
            yield* _exit(0);
          }
          yield* waitpid(pid);
          yield* pthread_join(quick);
        }),
        { stopAtFirst: true },
      );
    const exited = childSaw(42);
    expect(exited.verdict).toBe('assertion');
    // The schedule that gives 42 has quick's exit (thread 1001's last step) before the fork.
    const trace = exited.findings[0]!.trace;
    const exitAt = trace.findIndex((e) => e.type === 'thread.exit' && e.tid === 1001);
    const forkAt = trace.findIndex((e) => e.type === 'fork');
    expect(exitAt).toBeGreaterThanOrEqual(0);
    expect(exitAt).toBeLessThan(forkAt);
    expect(childSaw(null).verdict).toBe('assertion');
    const neither = childSaw(7);
    expect(neither.verdict).toBe('ok');
    expect(neither.completeness).toEqual({ complete: true });
  });

  it('a thread joined before the fork is not given twice: the child keeps no result for it', () => {
    const report = explore(
      prog(function* main() {
        const quick = yield* pthread_create(function* quick() {
          return 42;
        });
        assert((yield* pthread_join(quick)) === 42, 'the parent joins first');
        const pid = yield* fork();
        if (pid === 0) {
          // glibc freed the descriptor at the parent's join; a second join is undefined. The model
          // answers NULL, as for a thread that was running.
          assert((yield* pthread_join(quick)) === null, 'join on a joined thread in the child');
          yield* _exit(0);
        }
        yield* waitpid(pid);
      }),
    );
    expect(report.verdict).toBe('ok');
  });

  it("execve from a non-main thread: the new image's only thread has the leader's tid, the pid", () => {
    const forever = sem('forever', 0);
    const report = explore(
      prog(function* main() {
        const parent = yield* getpid();
        const pid = yield* fork();
        if (pid === 0) {
          const child = yield* getpid();
          const t = yield* pthread_create(function* execer() {
            assert((yield* gettid()) !== child, 'the exec caller is not the leader');
            yield* execve('/proc/self/exe', function* image() {
              assert((yield* getpid()) === child, 'the pid stays');
              assert((yield* gettid()) === child, 'the image runs as the leader: gettid == getpid');
              assert((yield* getppid()) === parent, 'the parent stays');
              return 7;
            });
          });
          yield* sem_wait(forever); // ended by the exec
          yield* pthread_join(t);
          yield* _exit(1);
        }
        const { status } = yield* waitpid(pid);
        assert(WEXITSTATUS(status) === 7, `the image's exit status, got ${WEXITSTATUS(status)}`);
      }),
    );
    expect(report.verdict).toBe('ok');
    expect(report.completeness).toEqual({ complete: true });
  });
});
