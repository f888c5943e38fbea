// Revision 743's wrapper with two forking threads whose
// children never take the lock: no hang, but a leak.
import { mutex, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  clone_connection, _Fork, close, dup2, _exit,
  waitpid } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'fd-leak' };

const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);
  const fd = yield* clone_connection();  // for this child only
  yield* pthread_mutex_unlock(libc_lock);
  // any fd another thread has just made is copied too
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* dup2(fd, 3);
  }
  yield* close(fd);
  return pid;
}

function* thread() {
  const pid = yield* new_fork();
  if (pid === 0) yield* _exit(0);
  yield* waitpid(pid);
}

export default function* main() {
  const a = yield* pthread_create(thread);
  const b = yield* pthread_create(thread);
  yield* pthread_join(a);
  yield* pthread_join(b);
}
