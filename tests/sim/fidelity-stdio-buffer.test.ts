// stdio's first-use buffer allocation. glibc 2.36 allocates a FILE's buffer on its first buffered
// output (libio/fileops.c _IO_new_file_xsputn -> _IO_new_file_overflow: "Allocate a buffer if
// needed", _IO_doallocbuf) or input (_IO_new_file_underflow, _IO_file_xsgetn), under the FILE lock
// the caller holds; libio/genops.c _IO_doallocbuf returns at once once fp->_IO_buf_base is set, and
// otherwise calls libio/filedoalloc.c _IO_file_doallocate, which does `p = malloc (size)` (BUFSIZ,
// or st_blksize when smaller: 4096 here). An _IO_UNBUFFERED stream (stderr) gets its _shortbuf.
//
// Measured on this machine (glibc 2.36) last session: content/examples/ch5-exercise.c (a SIGUSR1
// handler calls printf while main is in its first printf), compiled with gcc -pthread and run
// 1,000 times under tests/reality/watchdog.c, hung about once (again this session: 1 of 3,000,
// `gcc -std=gnu11 -pthread -I include -o ch5 content/examples/ch5-exercise.c;
// watchdog -n 3000 -t 2000 -- ./ch5`); gdb on the hung run showed main in
// _IO_new_file_xsputn -> _IO_doallocbuf -> _IO_file_doallocate -> malloc(4096) holding main_arena,
// and the handler's puts on the same path in __lll_lock_wait_private on main_arena.
import { describe, expect, it } from 'vitest';
import {
  _Fork,
  _exit,
  fork,
  printf,
  pthread_create,
  pthread_join,
  pthread_kill,
  pthread_self,
  sigaction,
  waitpid,
  SIGUSR1,
} from '../../sim/api/index.ts';
import { explore } from '../../sim/explore/index.ts';
import { createRun } from '../../sim/world/index.ts';
import { prog, runFirst } from './world-helpers.ts';

// The model gives threads arenas as glibc does (tests/sim/fidelity-malloc-arenas.test.ts); here:
// main_arena is the main thread's arena in glibc 2.36.
const arenaLocks = (run: ReturnType<typeof createRun>, pid: number) =>
  run.trace().filter((e) => e.type === 'mutex.lock' && e.lock.name === 'main_arena' && e.pid === pid).length;

/**
 * main's printf while a thread sends main SIGUSR1, whose handler printfs too; with `allocated`, main
 * printed once before, so stdout's buffer already exists.
 */
function handlerDuringPrintf(allocated: boolean) {
  return prog(function* main() {
    yield* sigaction(SIGUSR1, function* onUsr1() {
      yield* printf('got SIGUSR1\n');
    });
    if (allocated) yield* printf('buffer allocated\n');
    const me = yield* pthread_self();
    const t = yield* pthread_create(function* notifier() {
      yield* pthread_kill(me, SIGUSR1);
    });
    yield* printf('main: working\n');
    yield* pthread_join(t);
    return 0;
  });
}

describe("a FILE's first buffered output allocates its buffer through malloc", () => {
  it("the first printf of a multi-threaded process takes main_arena under stdout's lock; the second does not", () => {
    const run = runFirst(
      prog(function* main() {
        const t = yield* pthread_create(function* idle() {});
        yield* pthread_join(t);
        yield* printf('one\n');
        yield* printf('two\n');
        return 0;
      }),
    );
    const tr = run.trace();
    const locks = tr.filter((e) => e.type === 'mutex.lock').map((e) => (e as { lock: { name: string } }).lock.name);
    expect(locks.slice(0, 3)).toEqual(['stdout_lock', 'main_arena', 'stdout_lock']);
    expect(arenaLocks(run, 1000)).toBe(1);
  });

  it('a child made by fork after the parent printed has the buffer: its printf takes no arena lock', () => {
    const run = runFirst(
      prog(function* main() {
        const t = yield* pthread_create(function* idle() {});
        yield* printf('parent\n');
        const pid = yield* _Fork();
        if (pid === 0) {
          yield* printf('child\n');
          yield* _exit(0);
        }
        yield* waitpid(pid);
        yield* pthread_join(t);
        return 0;
      }),
    );
    expect(arenaLocks(run, 1000)).toBe(1);
    expect(arenaLocks(run, 1002)).toBe(0);
  });

  it("a child whose parent never printed allocates stdout's buffer on its first printf", () => {
    const run = runFirst(
      prog(function* main() {
        const t = yield* pthread_create(function* idle() {});
        const pid = yield* fork();
        if (pid === 0) {
          yield* printf('child\n');
          yield* _exit(0);
        }
        yield* waitpid(pid);
        yield* pthread_join(t);
        return 0;
      }),
    );
    expect(arenaLocks(run, 1002)).toBe(1);
  });

  it("a signal handler's printf during main's first printf waits on main_arena, which main holds (ch5-exercise)", () => {
    const report = explore(handlerDuringPrintf(false));
    expect(report.verdict).toBe('deadlock');
    const main = report.findings.find((f) => f.kind === 'deadlock')!.stuck!.find((s) => s.tid === 1000)!;
    expect(main.waitsFor).toMatchObject({ kind: 'mutex', name: 'main_arena' });
  });

  it('once the buffer exists, the same handler can only re-enter stdout (no deadlock, an unsafe call)', () => {
    const report = explore(handlerDuringPrintf(true));
    expect(report.verdict).toBe('unsafe-call');
  });
});
