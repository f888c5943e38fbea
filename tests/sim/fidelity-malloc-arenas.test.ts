// malloc's arenas per libc model. glibc 2.36 (malloc/arena.c, malloc/malloc.c at tag glibc-2.36,
// github:bminor/glibc): arena_get (arena.c:138) locks the thread's thread_arena and never moves;
// a thread without one runs arena_get2 (arena.c:924): get_free_list, else _int_new_arena while
// narenas <= narenas_limit - 1, else reused_arena. glibc 2.7's arena_get (arena.c:107) trylocks its
// arena and moves to another on failure (arena_get2, arena.c:866).
//
// Measured on this machine (Debian glibc 2.36, 2 cores), December 2026, with gcc -pthread and
// `timeout`: a worker's first malloc(200) returned 0x7fdb40000b70 (an mmapped heap: a new arena)
// while main's returned 0x55ae0ffa83c0 (the brk heap: main_arena); a second worker started after the
// first was joined got the first one's arena (0x7f4230000c40, 0xd0 past it: its free list);
// with mallopt(M_ARENA_MAX, 1) both workers allocated from main_arena (0x5634...); mallinfo2() at
// the start of main reports 0 bytes in use, and 944 after a pthread_create (the caller's tcache and
// the new thread's dtv), so main is the first thread to malloc and gets main_arena (ptmalloc_init).
// content/examples/malloc-child-raw.c hung in 0 of 200 runs (default arenas), as the old
// ch4-malloc-buggy.c did (0 of 200); content/examples/ch4-malloc-buggy.c's forced replay
// (`forklore reproduce`), which parks the freeing thread inside main_arena's lock, hung 5 of 5.
import { describe, expect, it } from 'vitest';
import {
  _exit,
  _Fork,
  fork,
  free,
  malloc,
  mallopt,
  M_ARENA_MAX,
  printf,
  fprintf,
  pthread_create,
  pthread_join,
  pthread_kill,
  sem,
  sem_post,
  sem_wait,
  sigaction,
  waitpid,
  SIGUSR1,
} from '../../sim/api/index.ts';
import { explore } from '../../sim/explore/index.ts';
import type { Run } from '../../sim/types.ts';
import { createRun } from '../../sim/world/index.ts';
import { prog, runFirst } from './world-helpers.ts';

/** The arena locks each thread took (a lock, or a trylock that got it), in order: [tid, name][]. */
const arenaLocks = (run: Run, pid?: number) =>
  run
    .trace()
    .flatMap((e) =>
      (e.type === 'mutex.lock' || (e.type === 'mutex.trylock' && e.result === 0)) &&
      (e.lock.name === 'main_arena' || e.lock.name.startsWith('arena_')) &&
      (pid === undefined || e.pid === pid)
        ? [[e.tid, e.lock.name] as const]
        : [],
    );
const locksOf = (run: Run, tid: number) => [
  ...new Set(
    arenaLocks(run)
      .filter(([t]) => t === tid)
      .map(([, n]) => n),
  ),
];

describe('glibc 2.36: per-thread arenas', () => {
  it("main allocates from main_arena; a worker's first malloc makes an arena of its own under list_lock", () => {
    const run = runFirst(
      prog(function* main() {
        const t = yield* pthread_create(function* worker() {
          yield* malloc(200);
          yield* malloc(200);
        });
        yield* pthread_join(t);
        yield* malloc(200);
      }),
    );
    expect(locksOf(run, 1000)).toEqual(['main_arena']);
    expect(locksOf(run, 1001)).toEqual(['arena_1']);
    // _int_new_arena links the arena under list_lock (arena.c:778).
    expect(run.trace().some((e) => e.type === 'mutex.lock' && e.lock.name === 'malloc_list_lock')).toBe(true);
  });

  it('a thread started after another exited takes its arena off the free list (__malloc_arena_thread_freeres)', () => {
    const run = runFirst(
      prog(function* main() {
        const a = yield* pthread_create(function* first() {
          yield* malloc(200);
        });
        yield* pthread_join(a);
        const b = yield* pthread_create(function* second() {
          yield* malloc(200);
        });
        yield* pthread_join(b);
      }),
    );
    const tids = [...new Set(arenaLocks(run).map(([t]) => t))].filter((t) => t !== 1000);
    expect(tids.map((t) => locksOf(run, t))).toEqual([['arena_1'], ['arena_1']]);
  });

  it('mallopt(M_ARENA_MAX, 1): narenas_limit is 1, so a worker reuses main_arena (reused_arena)', () => {
    const run = runFirst(
      prog(function* main() {
        expect(yield* mallopt(M_ARENA_MAX, 1)).toBe(1);
        const t = yield* pthread_create(function* worker() {
          yield* malloc(200);
        });
        yield* pthread_join(t);
      }),
    );
    expect(locksOf(run, 1001)).toEqual(['main_arena']);
  });

  it('with M_ARENA_MAX 2, a third thread shares one of the two arenas (reused_arena), and nothing deadlocks', () => {
    const program = prog(
      function* main() {
        yield* mallopt(M_ARENA_MAX, 2);
        const w = function* worker() {
          yield* malloc(200);
        };
        const a = yield* pthread_create(w);
        const b = yield* pthread_create(w);
        yield* pthread_join(a);
        yield* pthread_join(b);
      },
      { futex: 'blocking' },
    );
    const run = runFirst(program, [1001]);
    expect(locksOf(run, 1001)).toEqual(['arena_1']);
    expect(['main_arena', 'arena_1']).toContain(locksOf(run, 1002)[0]);
    expect(arenaLocks(run).some(([, n]) => n === 'arena_2')).toBe(false);
    const report = explore(program, { stopAtFirst: false });
    expect(report.verdict).toBe('ok');
    expect(report.completeness.complete).toBe(true);
  });

  it("a raw fork's child cannot hang on the other thread's malloc with default arenas; it can with one arena", () => {
    const make = (oneArena: boolean) =>
      prog(function* main() {
        if (oneArena) yield* mallopt(M_ARENA_MAX, 1);
        const t = yield* pthread_create(function* allocator() {
          yield* free(yield* malloc(64));
        });
        const pid = yield* _Fork();
        if (pid === 0) {
          yield* malloc(32);
          yield* _exit(0);
        }
        yield* waitpid(pid);
        yield* pthread_join(t);
      });
    expect(explore(make(false), { stopAtFirst: false }).verdict).toBe('ok');
    const one = explore(make(true));
    expect(one.verdict).toBe('deadlock');
    expect(one.findings[0]!.stuck!.some((s) => s.waitsFor.kind === 'mutex' && s.waitsFor.name === 'main_arena')).toBe(
      true,
    );
  });

  it("free takes the lock of the chunk's arena (arena_for_chunk), not the caller's, above the tcache and fastbins", () => {
    const run = runFirst(
      prog(function* main() {
        const big = yield* malloc(4096);
        const small = yield* malloc(64);
        const t = yield* pthread_create(
          function* releaser(b: number, s: number) {
            yield* free(s); // 80-byte chunk: the thread's tcache, no lock
            yield* free(b); // 4112-byte chunk, past tcache (1032 bytes) and fastbins (128): main_arena
          },
          big,
          small,
        );
        yield* pthread_join(t);
      }),
    );
    // The releaser's MAYBE_INIT_TCACHE makes its own arena first (arena_1), then frees into main_arena.
    expect(
      arenaLocks(run)
        .filter(([t]) => t === 1001)
        .map(([, n]) => n),
    ).toEqual(['arena_1', 'main_arena', 'arena_1']);
  });

  it('a malloc the tcache can serve takes no lock (tcache_get, malloc.c:3305)', () => {
    const locks = (again: number) =>
      arenaLocks(
        runFirst(
          prog(function* main() {
            const t = yield* pthread_create(function* worker() {
              yield* free(yield* malloc(100));
              yield* malloc(again);
            });
            yield* pthread_join(t);
          }),
        ),
      ).filter(([t]) => t === 1001).length;
    // tcache_init with the first request, then tcache_thread_shutdown's free at the thread's end: 2.
    // The free of the 112-byte chunk goes to the tcache, and a malloc of the same bin comes from it;
    // one of another size takes the arena lock.
    expect(locks(100)).toBe(2);
    expect(locks(2000)).toBe(3);
  });

  it("fork takes list_lock and every arena; the child frees every arena but its thread's (__malloc_fork_unlock_child)", () => {
    const ready = sem('ready');
    const go = sem('go');
    const run = runFirst(
      prog(function* main() {
        // The worker keeps arena_1 attached across the fork.
        const t = yield* pthread_create(function* worker() {
          yield* malloc(200);
          yield* sem_post(ready);
          yield* sem_wait(go);
        });
        yield* sem_wait(ready);
        const pid = yield* fork();
        if (pid === 0) {
          const c = yield* pthread_create(function* childWorker() {
            yield* malloc(200);
          });
          yield* pthread_join(c);
          yield* _exit(0);
        }
        yield* sem_post(go);
        yield* waitpid(pid);
        yield* pthread_join(t);
      }),
    );
    const names = run
      .trace()
      .flatMap((e) => (e.type === 'mutex.lock' && e.pid === 1000 && e.tid === 1000 ? [e.lock.name] : []));
    const at = names.indexOf('malloc_list_lock');
    expect(names.slice(at, at + 3)).toEqual(['malloc_list_lock', 'main_arena', 'arena_1']);
    // In the child arena_1 belongs to no thread: its new thread takes it off the free list.
    const child = run.trace().find((e) => e.type === 'fork')!;
    const childPid = child.type === 'fork' ? child.child : 0;
    const childLocks = arenaLocks(run, childPid).filter(([t]) => t !== childPid);
    expect([...new Set(childLocks.map(([, n]) => n))]).toEqual(['arena_1']);
  });

  it("stdio's first-use buffer (malloc(4096)) comes from the calling thread's arena", () => {
    const run = runFirst(
      prog(function* main() {
        const t = yield* pthread_create(function* printer() {
          yield* printf('x\n');
        });
        yield* pthread_join(t);
      }),
    );
    expect(locksOf(run, 1001)).toEqual(['arena_1']);
  });
});

describe('glibc 2.7: trylock and move', () => {
  it('a thread that finds its arena locked moves to another arena; no schedule deadlocks', () => {
    // Both threads start on no arena but main's main_arena; in a schedule where main holds main_arena,
    // the worker's trylock fails and it makes arena_1 (arena_get2 under list_lock).
    const program = prog(
      function* main() {
        const t = yield* pthread_create(function* worker() {
          yield* malloc(200);
        });
        yield* malloc(200);
        yield* pthread_join(t);
      },
      { libc: 'glibc-2.7' },
    );
    expect(explore(program, { stopAtFirst: false }).verdict).toBe('ok');
    const mainFirst = runFirst(program, [1000]);
    const workerFirst = runFirst(program, [1001]);
    const seen = new Set([...locksOf(mainFirst, 1001), ...locksOf(workerFirst, 1001)]);
    expect(seen.has('main_arena')).toBe(true);
  });

  it("fork from a signal handler that interrupted the same thread's fork does not deadlock on list_lock (atfork_recursive_cntr, BZ #838)", () => {
    // ptmalloc_lock_all (2.7 arena.c:238): trylock (list_lock) fails, the tsd is ATFORK_ARENA_PTR:
    // the same thread, so only ++atfork_recursive_cntr; ptmalloc_unlock_all returns while the count
    // is not 0; the child's ptmalloc_unlock_all2 sets it to 0. glibc's test: malloc/tst-mallocfork.c.
    // The signal is sent when main's fork has run its prepare handlers and is about to clone. (Sent
    // while ptmalloc_lock_all is still taking the arenas, before the tsd says ATFORK_ARENA_PTR, the
    // handler's fork really waits for list_lock forever: the explorer finds that schedule too.)
    const program = prog(
      function* main() {
        yield* sigaction(SIGUSR1, function* onUsr1() {
          const pid = yield* fork();
          if (pid === 0) yield* _exit(0);
          yield* waitpid(pid);
        });
        const t = yield* pthread_create(function* sender() {
          yield* pthread_kill(1000, SIGUSR1);
        });
        const pid = yield* fork();
        if (pid === 0) yield* _exit(0);
        yield* waitpid(pid);
        yield* pthread_join(t);
      },
      { libc: 'glibc-2.7' },
    );
    const run = createRun(program);
    const mainNext = () => run.enabled().find((e) => e.tid === 1000)!;
    while (!run.peek(mainNext()).some((a) => a.obj === '1000/*' && !a.write)) run.step(mainNext().id);
    run.step(run.enabled().find((e) => e.tid === 1001)!.id);
    for (let n = 0; n < 10_000 && run.enabled().length > 0; n++) run.step(run.enabled()[0]!.id);
    expect(run.trace().some((e) => e.type === 'signal.deliver')).toBe(true);
    expect(run.findings().filter((f) => f.kind === 'deadlock')).toEqual([]);
    expect(run.trace().filter((e) => e.type === 'fork')).toHaveLength(2);
    expect(run.outcome()).not.toMatch(/deadlock/);
  });
});

describe('fprintf', () => {
  it("fprintf(stderr, ...) takes stderr's FILE lock, not stdout's, and allocates no buffer", () => {
    const run = runFirst(
      prog(function* main() {
        const t = yield* pthread_create(function* idle() {});
        yield* fprintf('stderr', 'e\n');
        yield* pthread_join(t);
      }),
    );
    const locks = run.trace().flatMap((e) => (e.type === 'mutex.lock' ? [e.lock.name] : []));
    expect(locks).toContain('stderr_lock');
    expect(locks).not.toContain('stdout_lock');
    expect(locks).not.toContain('main_arena');
  });
});
