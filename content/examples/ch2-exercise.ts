// Exercise: the lock is held across the fork, and yet a child
// can still inherit a connection made for another.
import { mutex, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  clone_connection, _Fork, close, dup2, _exit, waitpid,
  WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'fd-leak' };

const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);
  const fd = yield* clone_connection();
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* dup2(fd, 3);
    yield* close(fd);
    yield* pthread_mutex_init(libc_lock, { type: 'recursive' });
    return 0;
  }
  yield* pthread_mutex_unlock(libc_lock);
  yield* close(fd);
  return pid;
}

function* thread(i: number) {
  const pid = yield* new_fork();
  if (pid === 0) yield* _exit(i);
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === i, 'the child ran');
}

export default function* main() {
  const a = yield* pthread_create(thread, 1);
  const b = yield* pthread_create(thread, 2);
  yield* pthread_join(a);
  yield* pthread_join(b);
}
