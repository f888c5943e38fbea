// tst-fork1 (two threads) through r815's wrapper, changed to unlock the recursive lock in the child
// instead of re-initialising it: the child's thread has a new tid, so glibc answers EPERM.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock, clone_connection,
         _Fork, close, dup2, printf, nanosleep, _exit, waitpid, WEXITSTATUS, EPERM, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'assertion' };

// PlashGlibc's lock around every call to the server (libc-comms.c: a recursive mutex).
const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);
  const fd = yield* clone_connection();
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* close(3);
    yield* dup2(fd, 3);
    yield* close(fd);
    const r = yield* pthread_mutex_unlock(libc_lock); // owner is the parent's thread, not us
    assert(r !== EPERM, 'pthread_mutex_unlock in the child returned EPERM: the lock stays held by a thread that is not here');
    return 0;
  }
  yield* close(fd);
  yield* pthread_mutex_unlock(libc_lock);
  return pid;
}

function* thread_function(i: number) {
  const pid = yield* new_fork();
  if (pid === 0) {
    yield* printf(`${i}\n`);
    yield* nanosleep(100_000_000 * i);
    yield* _exit(i);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === i, `wrong exit status ${WEXITSTATUS(status)} (expected ${i})`);
  return null;
}

export default function* main() {
  const t = [];
  for (const i of [7, 6]) t.push(yield* pthread_create(thread_function, i));
  let result = 0;
  for (const tid of t) if ((yield* pthread_join(tid)) !== null) result = 1;
  return result;
}
