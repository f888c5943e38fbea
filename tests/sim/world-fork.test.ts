// fork and _Fork: the child's one thread built by replay, atfork order, libc models, ids and accesses.
import { describe, expect, it } from 'vitest';
import {
  EPERM,
  _Fork,
  _exit,
  assert,
  cell,
  fflush,
  fork,
  getline,
  getpid,
  gettid,
  load,
  malloc,
  mutex,
  printf,
  pthread_atfork,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  store,
  waitpid,
  WEXITSTATUS,
} from '../../sim/api/index.ts';
import { createRun } from '../../sim/world/index.ts';
import { explore } from '../../sim/explore/index.ts';
import { drive, prog, runFirst, forkWhileHeld } from './world-helpers.ts';

describe('fork', () => {
  it("returns 0 in the child and the child's pid in the parent, with ids from one counter", () => {
    const seen: string[] = [];
    const run = runFirst(
      prog(function* main() {
        const t = yield* pthread_create(function* idle() {});
        const pid = yield* fork();
        const me = yield* getpid();
        const tid = yield* gettid();
        seen.push(`${pid}:${me}:${tid}`);
        if (pid === 0) yield* _exit(3);
        const { status } = yield* waitpid(pid);
        assert(WEXITSTATUS(status) === 3, 'child status');
        yield* pthread_join(t);
      }),
    );
    // thread 1001, then the child process 1002 (whose only thread has tid 1002)
    expect(seen).toContain('1002:1000:1000');
    expect(seen).toContain('0:1002:1002');
    expect(run.findings()).toEqual([]);
  });

  it("the child continues with the forking thread's locals and a copy of memory", () => {
    const c = cell('c', 1);
    const got: unknown[] = [];
    runFirst(
      prog(function* main() {
        let local = 10;
        yield* store(c, 2);
        local += 5;
        const pid = yield* fork();
        if (pid === 0) {
          got.push(['child', local, yield* load(c)]);
          yield* store(c, 99);
          yield* _exit(0);
        }
        yield* waitpid(pid);
        got.push(['parent', local, yield* load(c)]);
      }),
    );
    expect(got).toEqual([
      ['child', 15, 2],
      ['parent', 15, 2],
    ]);
  });

  it('a child that locks a mutex held at fork by another thread hangs, and says fork left it behind', () => {
    const m = mutex('m');
    const run = drive(forkWhileHeld(m), ['1000', '1001', '1000']); // create, holder locks, fork
    for (;;) {
      const en = run.enabled();
      if (en.length === 0) break;
      run.step(en[0]!.id);
    }
    const [f] = run.findings();
    expect(f?.kind).toBe('deadlock');
    const child = f!.stuck!.find((s) => s.pid === 1002)!;
    expect(child.holder).toBe(1001);
    expect(child.holderLeftBehindByFork).toBe(true);
    expect(child.sentence).toContain(
      'held by thread 1001, which does not exist in process 1002: fork copied the lock while thread 1001 of process 1000 held it',
    );
    expect(f!.stuck!.find((s) => s.pid === 1000)!.waitsFor).toEqual({ kind: 'waitpid', pid: 1002 });
  });

  it('a parent that finished while its child hangs is a deadlock', () => {
    const m = mutex('m');
    const run = runFirst(
      prog(function* main() {
        yield* pthread_mutex_lock(m);
        const pid = yield* _Fork();
        if (pid === 0) {
          yield* pthread_mutex_lock(m); // a normal mutex the child itself "holds" as the parent's main thread
          yield* _exit(0);
        }
        return 0;
      }),
      [1000],
    );
    expect(run.findings().map((f) => f.kind)).toEqual(['deadlock']);
    expect(run.findings()[0]!.message).toContain('1001');
  });

  it("unlocking a recursive mutex in the child returns EPERM: the child's thread has a new tid", () => {
    const r = mutex('r', { type: 'recursive' });
    const got: number[] = [];
    runFirst(
      prog(function* main() {
        yield* pthread_mutex_lock(r);
        const pid = yield* _Fork();
        if (pid === 0) {
          got.push(yield* pthread_mutex_unlock(r));
          yield* _exit(0);
        }
        yield* pthread_mutex_unlock(r);
        yield* waitpid(pid);
      }),
    );
    expect(got).toEqual([EPERM]);
  });

  it('prepare handlers run in reverse order of registration, parent and child handlers in order', () => {
    const val = cell('val', 0);
    function* add1() {
      yield* store(val, (yield* load(val)) + 1);
    }
    function* times2() {
      yield* store(val, (yield* load(val)) * 2);
    }
    function* times3() {
      yield* store(val, (yield* load(val)) * 3);
    }
    function* add5() {
      yield* store(val, (yield* load(val)) + 5);
    }
    const got: number[] = [];
    // tst-atfork1: prepare ++val then val*=2 (reversed), parent/child in order.
    runFirst(
      prog(function* main() {
        yield* pthread_atfork(times2, add5, times3);
        yield* pthread_atfork(add1, times2, add1);
        const pid = yield* fork();
        got.push(yield* load(val));
        if (pid === 0) yield* _exit(0);
        yield* waitpid(pid);
      }),
    );
    // prepare: add1 (second registered) then times2 -> 2. child: times3, add1 -> 7. parent: add5, times2 -> 14.
    expect(got.sort((a, b) => a - b)).toEqual([7, 14]);
  });

  it('fork reads the whole process, so it conflicts with any write in it', () => {
    const run = createRun(
      prog(function* main() {
        const pid = yield* _Fork();
        if (pid === 0) yield* _exit(0);
        yield* waitpid(pid);
      }),
    );
    const acc = run.peek(run.enabled()[0]!);
    expect(acc).toContainEqual({ obj: '1000/*', write: false });
    expect(acc.filter((a) => a.obj.startsWith('1000/'))).toHaveLength(1);
  });

  it('creating a thread does not touch the process memory that fork copies', () => {
    const run = createRun(
      prog(function* main() {
        yield* pthread_create(function* t() {});
      }),
    );
    const acc = run.peek(run.enabled()[0]!);
    expect(acc.some((a) => a.obj.startsWith('1000/'))).toBe(false);
  });

  it('under glibc, printf in the child hangs after _Fork but not after fork while another thread prints', () => {
    const make = (raw: boolean) =>
      prog(function* main() {
        const t = yield* pthread_create(function* printer() {
          yield* printf('x\n');
        });
        const pid = raw ? yield* _Fork() : yield* fork();
        if (pid === 0) {
          yield* printf('child\n');
          yield* _exit(0);
        }
        yield* waitpid(pid);
        yield* pthread_join(t);
      });
    expect(explore(make(true), { stopAtFirst: false }).verdict).toBe('deadlock');
    expect(explore(make(false), { stopAtFirst: false }).verdict).toBe('ok');
  });

  it("glibc 2.7 resets malloc's arena through its atfork child handler", () => {
    const program = prog(
      function* main() {
        const t = yield* pthread_create(function* allocator() {
          yield* malloc(8);
        });
        const pid = yield* fork();
        if (pid === 0) {
          yield* malloc(8);
          yield* _exit(0);
        }
        yield* waitpid(pid);
        yield* pthread_join(t);
      },
      { libc: 'glibc-2.7' },
    );
    expect(explore(program, { stopAtFirst: false }).verdict).toBe('ok');
    const run = runFirst(program);
    expect(run.trace().some((e) => e.type === 'atfork.run' && e.internal === 'malloc' && e.phase === 'child')).toBe(
      true,
    );
  });

  it('malloc skips the arena lock until the process creates a thread, but for tcache_init (glibc)', () => {
    // glibc 2.36 __libc_malloc (malloc/malloc.c:3280): MAYBE_INIT_TCACHE runs tcache_init, which takes
    // arena_get (main_arena's lock) even single-threaded; after it, SINGLE_THREAD_P allocates unlocked.
    const locks = (r: ReturnType<typeof runFirst>) =>
      r.trace().filter((e) => e.type === 'mutex.lock' && e.lock.name === 'main_arena').length;
    const run = runFirst(
      prog(function* main() {
        yield* malloc(8);
        yield* malloc(8);
      }),
    );
    expect(locks(run)).toBe(1);
    const run2 = runFirst(
      prog(function* main() {
        yield* pthread_create(function* t() {});
        yield* malloc(8);
      }),
    );
    expect(run2.trace().some((e) => e.type === 'mutex.lock' && e.lock.name === 'main_arena')).toBe(true);
  });

  it('a replay that takes another path is reported as a nondeterministic program', () => {
    let calls = 0;
    const c = cell('c', 0);
    const run = runFirst(
      prog(function* main() {
        calls++;
        if (calls === 1) yield* store(c, 1); // the replay skips this store
        const pid = yield* _Fork();
        if (pid === 0) yield* _exit(0);
        yield* waitpid(pid);
      }),
    );
    const [f] = run.findings();
    expect(f?.kind).toBe('error');
    expect(f?.message).toContain('nondeterministic program');
  });
});

describe('glibc bug 19431: fflush(NULL), getline and fork', () => {
  function* flusher() {
    yield* fflush(null);
  }
  function* reader() {
    yield* getline('stdin');
  }
  function* forker() {
    const pid = yield* fork();
    if (pid === 0) yield* _exit(0);
    yield* waitpid(pid);
  }
  const program = (libc: 'glibc' | 'glibc-2.7') =>
    prog(
      function* main() {
        const a = yield* pthread_create(flusher);
        const b = yield* pthread_create(reader);
        const c = yield* pthread_create(forker);
        yield* pthread_join(a);
        yield* pthread_join(b);
        yield* pthread_join(c);
        yield* _exit(0);
      },
      // 'blocking' locks: the same lock orders and findings, fewer schedules to decide 'ok' in.
      { libc, futex: 'blocking' },
    );

  it("closes a three-lock cycle under glibc 2.7's fork (malloc's locks, then libio's list lock)", () => {
    const report = explore(program('glibc-2.7'));
    expect(report.verdict).toBe('deadlock');
    const held = report.findings[0]!.stuck!.flatMap((s) =>
      s.waitsFor.kind === 'mutex' ? [s.waitsFor.name] : [],
    ).sort();
    // The reader's malloc (under stdin's lock) finds main_arena taken by ptmalloc_lock_all and, in 2.7's
    // arena_get2 (malloc/arena.c:866), after the trylocks waits for list_lock, which fork holds.
    expect(held).toEqual(['_IO_list_all_lock', 'malloc_list_lock', 'stdin_lock']);
  });

  it("has no cycle under modern glibc, which takes malloc's locks last", () => {
    const report = explore(program('glibc'), { stopAtFirst: false });
    expect(report.verdict).toBe('ok');
    expect(report.completeness).toEqual({ complete: true });
  });
});
