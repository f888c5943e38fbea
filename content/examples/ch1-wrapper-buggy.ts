// Plash's fork() wrapper as of revision 743, cut down: two threads fork at the same time.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         clone_connection, _Fork, close, dup2, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'deadlock' };

// PlashGlibc's one lock, taken around every call to the server (libc-comms.c).
const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);       // inside clone_connection()
  const fd = yield* clone_connection();       // a fresh connection for the child
  yield* pthread_mutex_unlock(libc_lock);     // ...released before the fork
  const pid = yield* _Fork();                 // kernel_fork(): another thread may hold the lock now
  if (pid === 0) {
    yield* dup2(fd, 3);                       // the child talks to the server on its own socket
  }
  yield* close(fd);
  return pid;
}

function* thread(i: number) {
  const pid = yield* new_fork();
  if (pid === 0) {
    yield* pthread_mutex_lock(libc_lock);     // the child's first call into PlashGlibc
    yield* pthread_mutex_unlock(libc_lock);
    yield* _exit(i);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === i, 'the child exits with its own number');
}

export default function* main() {
  const a = yield* pthread_create(thread, 1);
  const b = yield* pthread_create(thread, 2);
  yield* pthread_join(a);
  yield* pthread_join(b);
}
