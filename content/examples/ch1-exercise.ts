// Exercise: a fork wrapper that holds its recursive lock across the fork, then unlocks it in the child.
import { mutex, pthread_mutex_lock, pthread_mutex_unlock, _Fork, _exit, waitpid,
         WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* my_fork() {
  yield* pthread_mutex_lock(libc_lock);
  const pid = yield* _Fork();
  yield* pthread_mutex_unlock(libc_lock);     // in the parent and, it is hoped, in the child
  return pid;
}

export default function* main() {
  const pid = yield* my_fork();
  if (pid === 0) {
    yield* pthread_mutex_lock(libc_lock);     // the child uses the library
    yield* pthread_mutex_unlock(libc_lock);
    yield* _exit(7);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 7, 'the child used the library and exited with 7');
}
