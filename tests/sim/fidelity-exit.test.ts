// exit() as glibc 2.36 does it. _IO_cleanup (libio/genops.c) flushes through _IO_flush_all_lockp(0),
// which takes the list lock (_IO_lock_lock (list_all_lock)) but no FILE lock, then _IO_unbuffer_all,
// which takes the list lock again and tries each stream's lock with _IO_lock_trylock at most
// MAXTRIES = 2 times before going on without it. glibc 2.7's _IO_cleanup takes no list lock at all.
//
// Measured here (glibc 2.36, /tmp program exit_child.c: one thread loops printf to a 64-byte-buffered
// stdout, or fflush(NULL); main calls _Fork 200 times; 100 ms watchdog per child):
//   child calls exit(0), the other thread in printf:        200 of 200 exited 0, 0 hung
//   child calls printf, the other thread in printf:          70 of 200 hung
//   child calls exit(0), the other thread in fflush(NULL):   92 of 200 hung (the list lock)
import { describe, expect, it } from 'vitest';
import {
  _Fork,
  _exit,
  exit,
  fflush,
  fork,
  getpid,
  kill,
  printf,
  pthread_create,
  pthread_join,
  sigaction,
  waitpid,
  SIGUSR1,
  WEXITSTATUS,
} from '../../sim/api/index.ts';
import { explore } from '../../sim/explore/index.ts';
import type { LibcModel } from '../../sim/types.ts';
import { prog } from './world-helpers.ts';

/** Another thread uses stdio while main _Forks; the child does `inChild`; main reaps it. */
function program(other: 'printf' | 'fflush', inChild: 'exit' | 'printf', libc: LibcModel = 'glibc') {
  return prog(
    function* main() {
      const t = yield* pthread_create(function* user() {
        if (other === 'printf') yield* printf('x\n');
        else yield* fflush(null);
      });
      const pid = yield* _Fork();
      if (pid === 0) {
        if (inChild === 'printf') {
          yield* printf('child\n');
          yield* _exit(0);
        }
        yield* exit(7);
      }
      const { status } = yield* waitpid(pid);
      yield* pthread_join(t);
      return WEXITSTATUS(status) === 7 || inChild === 'printf' ? 0 : 1;
    },
    { libc },
  );
}

describe("exit() as glibc's _IO_cleanup does it", () => {
  it('a _Fork child that calls exit() while another thread held stdout exits normally', () => {
    const report = explore(program('printf', 'exit'));
    expect(report.verdict).toBe('ok');
    expect(report.completeness).toEqual({ complete: true });
  });

  it('one that calls printf instead hangs on stdout, left behind by fork', () => {
    const report = explore(program('printf', 'printf'));
    expect(report.verdict).toBe('deadlock');
    const child = report.findings[0]!.stuck!.find((s) => s.pid === 1002)!;
    expect(child.waitsFor).toMatchObject({ kind: 'mutex', name: 'stdout_lock' });
    expect(child.holderLeftBehindByFork).toBe(true);
  });

  it('one whose parent held the list lock (fflush(NULL) in another thread) hangs in exit()', () => {
    const report = explore(program('fflush', 'exit'));
    expect(report.verdict).toBe('deadlock');
    const child = report.findings[0]!.stuck!.find((s) => s.pid === 1002)!;
    expect(child.waitsFor).toMatchObject({ kind: 'mutex', name: '_IO_list_all_lock' });
  });

  it('glibc 2.7 takes no list lock in exit(): the same child exits', () => {
    expect(explore(program('fflush', 'exit', 'glibc-2.7')).verdict).toBe('ok');
  });

  it("a child forked by a signal handler that interrupted its own thread's printf re-enters stdout", () => {
    // The process is single-threaded (a helper process sends the signal), so glibc's fork takes and
    // resets nothing (posix/fork.c: multiple_threads is false). The child's thread runs on the TCB of
    // the thread that held stdout mid-printf, and _IO_lock_lock (sysdeps/nptl/stdio-lock.h) compares
    // the owner with THREAD_SELF: it re-enters the lock instead of waiting for it.
    const report = explore(
      prog(function* main() {
        yield* sigaction(SIGUSR1, function* handler() {
          const pid = yield* fork();
          if (pid === 0) {
            yield* printf('in the child\n');
            yield* exit(0);
          }
          yield* waitpid(pid);
        });
        const me = yield* getpid();
        const helper = yield* fork();
        if (helper === 0) {
          yield* kill(me, SIGUSR1);
          yield* _exit(0);
        }
        yield* printf('hello\n');
        yield* waitpid(helper);
      }),
    );
    expect(report.completeness).toEqual({ complete: true });
    expect(report.findings.map((f) => f.kind)).not.toContain('deadlock');
    // The handler's fork and printf are not async-signal-safe, and that is reported.
    expect(report.findings.map((f) => f.kind)).toContain('unsafe-call');
  });
});
