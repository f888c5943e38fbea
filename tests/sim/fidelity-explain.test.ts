// Explanations that are true. Measured on glibc 2.36 (shared/reality, errorcheck_mutex.c, 20 of 20
// runs each): a mutex locked in a prepare handler is owned in the child by the forking thread's tid;
// the child's pthread_mutex_unlock returns 0 for a normal mutex and EPERM for an error-checking or
// recursive one (nptl/pthread_mutex_unlock.c compares __owner with the caller's tid, and the child's
// thread has a new tid from CLONE_CHILD_SETTID). So when the holder is the thread that called fork,
// the lock is not "held by a thread that does not exist", and it is not true that no thread can
// unlock it.
import { describe, expect, it } from 'vitest';
import {
  _exit,
  fork,
  mutex,
  pthread_atfork,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  waitpid,
  type MutexType,
} from '../../sim/api/index.ts';
import { explore } from '../../sim/explore/index.ts';
import { explain } from '../../sim/render/index.ts';
import { prog } from './world-helpers.ts';

function lockedInPrepare(type: MutexType) {
  const m = mutex('m', { type });
  return prog(function* main() {
    yield* pthread_atfork(
      function* prepare() {
        yield* pthread_mutex_lock(m);
      },
      function* parent() {
        yield* pthread_mutex_unlock(m);
      },
      null,
    );
    const pid = yield* fork();
    if (pid === 0) {
      yield* pthread_mutex_lock(m);
      yield* _exit(0);
    }
    yield* waitpid(pid);
  });
}

describe('explanations that are true', () => {
  it('a normal mutex the forking thread held: its copy could unlock it, and nothing claims otherwise', () => {
    const f = explore(lockedInPrepare('normal')).findings[0]!;
    expect(f.kind).toBe('deadlock');
    const child = f.stuck!.find((s) => s.pid === 1001)!;
    expect(child.holder).toBe(1000);
    expect(child.holderIsForkingThread).toBe(true);
    expect(child.holderLeftBehindByFork).toBeUndefined();
    expect(child.sentence).toContain('before it forked; this thread is its copy in the child');
    expect(child.sentence).toContain('which this thread could unlock');
    const words = explain(f).join(' ');
    expect(words).not.toContain('does not exist');
    expect(words).not.toContain('will ever unlock it');
    // It leads the message, not the parent's waitpid.
    expect(f.message).toContain(child.sentence);
  });

  it('an error-checking or recursive one: the child unlock returns EPERM, pthread_mutex_init releases it', () => {
    for (const type of ['errorcheck', 'recursive'] as const) {
      const child = explore(lockedInPrepare(type)).findings[0]!.stuck!.find((s) => s.pid === 1001)!;
      expect(child.sentence).toContain('returns EPERM');
      expect(child.sentence).toContain('pthread_mutex_init');
    }
  });

  it('a deadlock within one process leads with the cycle, not with main in pthread_join', () => {
    const a = mutex('a');
    const b = mutex('b');
    const f = explore(
      prog(function* main() {
        const t1 = yield* pthread_create(function* ab() {
          yield* pthread_mutex_lock(a);
          yield* pthread_mutex_lock(b);
          yield* pthread_mutex_unlock(b);
          yield* pthread_mutex_unlock(a);
        });
        const t2 = yield* pthread_create(function* ba() {
          yield* pthread_mutex_lock(b);
          yield* pthread_mutex_lock(a);
          yield* pthread_mutex_unlock(a);
          yield* pthread_mutex_unlock(b);
        });
        yield* pthread_join(t1);
        yield* pthread_join(t2);
      }),
    ).findings[0]!;
    expect(f.kind).toBe('deadlock');
    expect(f.message).toMatch(/Threads 100[12] and 100[12] of process 1000 wait for each other/);
    expect(f.message).toContain('thread 1001 holds a and waits for b');
    expect(f.message).toContain('thread 1002 holds b and waits for a');
    expect(f.message).not.toContain('pthread_join');
  });
});
