// Plash's fork() wrapper as fixed in revision 815: the lock is held across kernel_fork().
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         pthread_mutex_init, clone_connection, write, _Fork, close, dup2, _exit, waitpid,
         WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'ok' };

// PlashGlibc's one lock, taken around every call to the server (libc-comms.c).
const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* plash_call() {                      // any PlashGlibc call, open() for instance
  yield* pthread_mutex_lock(libc_lock);
  yield* write(3, 'Call');                    // a request to the server on the connection
  yield* pthread_mutex_unlock(libc_lock);
}

function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);       // taken first, held until after the fork
  const fd = yield* clone_connection();
  const pid = yield* _Fork();                 // kernel_fork(): no other thread can hold the lock now
  if (pid === 0) {
    yield* dup2(fd, 3);
    yield* close(fd);
    // plash_libc_lock_reinitialize(): this thread does not own the lock, so unlocking would fail
    yield* pthread_mutex_init(libc_lock, { type: 'recursive' });
    return 0;
  }
  yield* close(fd);
  yield* pthread_mutex_unlock(libc_lock);     // the parent unlocks as usual
  return pid;
}

export default function* main() {
  const t = yield* pthread_create(plash_call);
  const pid = yield* new_fork();
  if (pid === 0) {
    yield* plash_call();                      // the child's first call into PlashGlibc
    yield* _exit(7);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 7, 'the child made its call and exited');
  yield* pthread_join(t);
}
