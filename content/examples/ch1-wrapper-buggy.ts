// Plash's fork() wrapper as of revision 743, cut down: one
// thread forks while another is inside the library.
import { mutex, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  clone_connection, write, _Fork, close, dup2, _exit, waitpid,
  WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'deadlock' };

// PlashGlibc's one lock, around every call to the server.
const libc_lock = mutex('libc_lock', { type: 'recursive' });

// Any PlashGlibc call, open() for instance.
function* plash_call() {
  yield* pthread_mutex_lock(libc_lock);
  yield* write(3, 'Call');         // a request to the server
  yield* pthread_mutex_unlock(libc_lock);
}

function* new_fork() {
  // clone_connection(): a fresh connection for the child
  yield* pthread_mutex_lock(libc_lock);
  const fd = yield* clone_connection();
  yield* pthread_mutex_unlock(libc_lock);
  // kernel_fork(): another thread may hold the lock now
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* dup2(fd, 3);            // the child's own connection
  }
  yield* close(fd);
  return pid;
}

export default function* main() {
  const t = yield* pthread_create(plash_call);
  const pid = yield* new_fork();
  if (pid === 0) {
    yield* plash_call();           // the child uses the library
    yield* _exit(7);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 7, 'the child made its call');
  yield* pthread_join(t);
}
