// Plash's fork() wrapper as fixed in revision 815: the lock
// is held across kernel_fork().
import { mutex, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  clone_connection, write, _Fork, close, dup2, _exit, waitpid,
  WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'ok' };

// PlashGlibc's one lock, around every call to the server.
const libc_lock = mutex('libc_lock', { type: 'recursive' });

// Any PlashGlibc call, open() for instance.
function* plash_call() {
  yield* pthread_mutex_lock(libc_lock);
  yield* write(3, 'Call');         // a request to the server
  yield* pthread_mutex_unlock(libc_lock);
}

function* new_fork() {
  // taken first, and held until after the fork
  yield* pthread_mutex_lock(libc_lock);
  const fd = yield* clone_connection();
  // kernel_fork(): no other thread can hold the lock now
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* dup2(fd, 3);            // the child's own connection
    yield* close(fd);
    // plash_libc_lock_reinitialize(): this thread is not the
    // owner, so an unlock would fail
    yield* pthread_mutex_init(libc_lock, { type: 'recursive' });
    return 0;
  }
  yield* close(fd);
  // in the parent, this thread is the owner
  yield* pthread_mutex_unlock(libc_lock);
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
