// Revision 815's wrapper: while one thread's new connection is
// open, no other thread can fork.
import { mutex, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  clone_connection, _Fork, close, dup2, _exit,
  waitpid } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'ok' };

const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);   // before the fd...
  const fd = yield* clone_connection();  // for this child only
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* dup2(fd, 3);
    yield* close(fd);
    yield* pthread_mutex_init(libc_lock, { type: 'recursive' });
    return 0;
  }
  yield* close(fd);
  yield* pthread_mutex_unlock(libc_lock); // ...after it
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
