// The world's descriptors, signals, semaphores, condition variables, time, exec and failure reports.
import { describe, expect, it } from 'vitest';
import {
  FD_CLOFORK,
  F_SETFD,
  O_CLOEXEC,
  O_CREAT,
  O_WRONLY,
  SIGUSR1,
  _Fork,
  _exit,
  assert,
  cell,
  clone_connection,
  close,
  cond,
  dup2,
  execve,
  fcntl,
  load,
  malloc,
  mutex,
  nanosleep,
  open,
  pthread_cond_signal,
  pthread_cond_wait,
  pthread_create,
  pthread_join,
  pthread_kill,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  sem,
  sem_post,
  sem_wait,
  sigaction,
  store,
  waitpid,
  write,
  fork,
  kill,
  getpid,
} from '../../sim/api/index.ts';
import { createRun } from '../../sim/world/index.ts';
import { drive, prog, runFirst } from './world-helpers.ts';

describe('file descriptors', () => {
  it('fork copies descriptors except close-on-fork ones; execve closes close-on-exec ones', () => {
    const seen: number[] = [];
    const run = runFirst(
      prog(function* main() {
        const a = yield* open('/a', O_WRONLY | O_CREAT | O_CLOEXEC);
        const b = yield* open('/b', O_WRONLY | O_CREAT);
        yield* fcntl(b, F_SETFD, FD_CLOFORK);
        const pid = yield* _Fork();
        if (pid === 0) {
          seen.push(yield* write(a, 'x'), yield* write(b, 'x'));
          yield* execve('/bin/true');
        }
        yield* waitpid(pid);
      }),
    );
    expect(seen).toEqual([1, -1]);
    const exec = run.trace().find((e) => e.type === 'proc.exec');
    expect(exec).toMatchObject({ closed: [3] });
  });

  it("a fresh connection that another thread forks over leaks into that thread's child", () => {
    const program = prog(
      function* main() {
        const t = yield* pthread_create(function* other() {
          const fd = yield* clone_connection();
          yield* close(fd);
        });
        const pid = yield* _Fork();
        if (pid === 0) yield* _exit(0);
        yield* waitpid(pid);
        yield* pthread_join(t);
      },
      { plash: true },
    );
    const run = drive(program, ['1000', '1001', '1001', '1000']); // other gets fd 4, then main forks
    const leak = run.findings().find((f) => f.kind === 'fd-leak');
    expect(leak?.message).toBe(
      "pid 1002 got fd 4, thread 1001's fresh connection: thread 1000 forked between thread 1001's clone_connection() and its own fork, so the descriptor leaked into the wrong child.",
    );
  });

  it('a connection moved into place with dup2 no longer belongs to a pending fork', () => {
    const run = runFirst(
      prog(
        function* main() {
          const t = yield* pthread_create(function* other() {
            const fd = yield* clone_connection();
            yield* dup2(fd, 3);
          });
          yield* pthread_join(t);
          const pid = yield* _Fork();
          if (pid === 0) yield* _exit(0);
          yield* waitpid(pid);
        },
        { plash: true },
      ),
    );
    expect(run.findings().map((f) => f.kind)).toEqual([]);
  });
});

describe('signals', () => {
  it('a handler runs on the target thread at a step boundary and the thread then resumes', () => {
    const c = cell('c', '');
    const got: unknown[] = [];
    const program = prog(function* main() {
      yield* sigaction(SIGUSR1, function* handler() {
        yield* store(c, 'handled');
      });
      yield* pthread_kill(1000, SIGUSR1);
      got.push(yield* load(c));
    });
    const run = drive(program, ['1000', '1000']);
    // A pending signal is delivered before the thread's next step.
    expect(run.enabled().map((t) => t.id)).toEqual(['1000!SIGUSR1']);
    run.step('1000!SIGUSR1');
    run.step('1000'); // the handler's store
    run.step('1000'); // the interrupted load
    expect(got).toEqual(['handled']);
    expect(run.trace().map((e) => e.type)).toContain('signal.return');
  });

  it('a signal reaches a thread blocked in a futex wait', () => {
    const m = mutex('m');
    const program = prog(function* main() {
      yield* sigaction(SIGUSR1, function* handler() {});
      yield* pthread_mutex_lock(m);
      const t = yield* pthread_create(function* waiter() {
        yield* pthread_mutex_lock(m);
      });
      yield* pthread_kill(t, SIGUSR1);
      yield* pthread_mutex_unlock(m);
      yield* pthread_join(t);
    });
    const run = drive(program, ['1000', '1000', '1000', '1001', '1000']);
    expect(run.enabled().map((t) => t.id)).toContain('1001!SIGUSR1');
  });

  it('malloc in a handler that interrupted malloc is an unsafe call and can deadlock', () => {
    const program = prog(function* main() {
      yield* sigaction(SIGUSR1, function* handler() {
        yield* malloc(8);
      });
      yield* pthread_create(function* sender() {
        yield* pthread_kill(1000, SIGUSR1);
      });
      yield* malloc(8);
    });
    // main: sigaction, create, malloc locks the arena; the second thread sends; the handler mallocs.
    const run = drive(program, ['1000', '1000', '1000', '1001', '1000!SIGUSR1', '1000', '1001']);
    expect(run.enabled().map((t) => t.id)).toEqual([]);
    expect(
      run
        .findings()
        .map((f) => f.kind)
        .sort(),
    ).toEqual(['deadlock', 'unsafe-call']);
  });
});

describe('semaphores, condition variables, time', () => {
  it('sem_wait at 0 is not enabled until a sem_post', () => {
    const s = sem('s', 0);
    const run = createRun(
      prog(function* main() {
        const t = yield* pthread_create(function* poster() {
          yield* sem_post(s);
        });
        yield* sem_wait(s);
        yield* pthread_join(t);
      }),
    );
    run.step('1000');
    expect(run.enabled().map((t) => t.id)).toEqual(['1001']);
    expect(run.blocked?.().map((b) => b.transition.id)).toEqual(['1000']);
    run.step('1001');
    expect(run.enabled().map((t) => t.id)).toContain('1000');
  });

  it('a condition wait is woken by a signal or by a spurious wake-up the scheduler chooses', () => {
    const m = mutex('m');
    const c = cond('c');
    const program = prog(function* main() {
      yield* pthread_mutex_lock(m);
      const t = yield* pthread_create(function* signaller() {
        yield* pthread_cond_signal(c);
      });
      yield* pthread_cond_wait(c, m);
      yield* pthread_mutex_unlock(m);
      yield* pthread_join(t);
    });
    // The wake-up is a choice the waiter makes as it calls pthread_cond_wait; once asleep, only a signal wakes it.
    const run = drive(program, ['1000', '1000']);
    expect(run.enabled().map((t) => t.id)).toEqual(['1000', '1000~spurious', '1001']);
    run.step('1000~spurious');
    expect(run.enabled().map((t) => t.id)).toContain('1000');
    const asleep = drive(program, ['1000', '1000', '1000']);
    expect(asleep.enabled().map((t) => t.id)).toEqual(['1001']);
  });

  it("nanosleep advances the sleeping thread's virtual clock", () => {
    const run = runFirst(
      prog(function* main() {
        yield* nanosleep(300_000_000);
        yield* write(1, 'done');
      }),
    );
    const w = run.trace().find((e) => e.type === 'io.write');
    expect(w?.time).toBe(300_000_000);
  });
});

describe('failures', () => {
  it('an exception in reader code is an error finding with its message', () => {
    const run = runFirst(
      prog(function* main() {
        yield* write(1, 'x');
        throw new Error('boom');
      }),
    );
    expect(run.findings()).toMatchObject([{ kind: 'error' }]);
    expect(run.findings()[0]!.message).toContain('boom');
    expect(run.findings()[0]!.message).toMatch(/\(world-process\.test\.ts:\d+:\d+\)$/);
    expect(run.enabled()).toEqual([]);
  });

  it('a failed assertion is reported and aborts its process', () => {
    const run = runFirst(
      prog(function* main() {
        const pid = yield* _Fork();
        if (pid === 0) assert(false, 'the child is unhappy');
        const { status } = yield* waitpid(pid);
        assert(status === 6, 'killed by SIGABRT');
      }),
    );
    expect(run.findings().map((f) => [f.kind, f.message])).toEqual([
      ['assertion', 'Assertion failed in thread 1001 of process 1001: the child is unhappy'],
    ]);
  });

  it('a failed assertion aborts its process in a step of its own that writes the whole process', () => {
    const run = createRun(
      prog(function* main() {
        yield* write(1, 'x');
        assert(false, 'no');
      }),
    );
    run.step('1000');
    const abort = run.enabled()[0]!;
    expect(run.peek(abort)).toContainEqual({ obj: '1000/*', write: true });
    expect(run.step(abort.id).events.map((e) => e.type)).toEqual(['proc.exit']);
  });

  it('a thread that never finishes is named when the step bound is reached', () => {
    const c = cell('c', 0);
    const run = createRun(
      prog(function* main() {
        for (;;) yield* store(c, 1);
      }),
      { maxSteps: 50 },
    );
    for (let i = 0; i < 100 && run.enabled().length > 0; i++) run.step(run.enabled()[0]!.id);
    expect(run.findings()[0]!.message).toMatch(
      /^Thread 1000 of process 1000 took 50 of the last 50 steps and was still running when this execution reached its bound of 50 steps/,
    );
    expect(run.findings()[0]!.cut).toBe('maxSteps');
  });

  it('an unknown libc model is an error finding, not an exception', () => {
    const run = createRun(prog(function* main() {}, { libc: 'glibc2.7' as never }));
    expect(run.enabled()).toEqual([]);
    expect(run.findings()[0]?.message).toContain("options.libc must be 'none', 'glibc-2.7' or 'glibc'");
  });

  it('yield without a star is explained', () => {
    const run = runFirst(
      prog(function* main() {
        yield write(1, 'x');
      }),
    );
    expect(run.findings()[0]!.message).toContain('yield*');
  });
});

describe('signals after a thread function returns', () => {
  it('a thread whose function has returned can still take a signal whose handler forks, and its child is rebuilt', () => {
    function* handler() {
      const pid = yield* fork();
      if (pid === 0) yield* _exit(3);
    }
    function* worker() {
      yield* sigaction(SIGUSR1, handler);
    }
    const p = prog(
      function* main() {
        yield* pthread_create(worker);
        yield* kill(yield* getpid(), SIGUSR1);
        return 0;
      },
      { libc: 'none' },
    );
    // main creates the worker; the worker installs the handler and returns (its exit step still to
    // come); main sends; the worker takes the signal and forks inside the handler.
    const run = drive(p, ['1000', '1001', '1000', '1001!SIGUSR1', '1001', '1001']);
    expect(run.findings().filter((f) => f.kind === 'error')).toEqual([]);
    expect(run.trace().some((e) => e.type === 'fork' && e.tid === 1001)).toBe(true);
  });
});
