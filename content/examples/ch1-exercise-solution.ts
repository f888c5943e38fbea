// Solution: the child's thread does not own the recursive lock,
// so it cannot unlock it; it re-initialises it instead.
import { mutex, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, _Fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* my_fork() {
  yield* pthread_mutex_lock(libc_lock);
  const pid = yield* _Fork();
  if (pid === 0) {
    // a fresh, unlocked mutex
    yield* pthread_mutex_init(libc_lock, { type: 'recursive' });
  } else {
    // the parent's thread is the owner: this works
    yield* pthread_mutex_unlock(libc_lock);
  }
  return pid;
}

export default function* main() {
  const pid = yield* my_fork();
  if (pid === 0) {
    const r = yield* pthread_mutex_lock(libc_lock);
    assert(r === 0, 'the child can take the lock');
    yield* pthread_mutex_unlock(libc_lock);
    yield* _exit(7);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 7, 'the child used the lock');
}
