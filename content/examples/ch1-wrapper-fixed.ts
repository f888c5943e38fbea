// Plash's fork() wrapper as fixed in revision 815: the lock is held across kernel_fork().
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         pthread_mutex_init, clone_connection, _Fork, close, dup2, _exit, waitpid,
         WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'ok' };

// PlashGlibc's one lock, taken around every call to the server (libc-comms.c).
const libc_lock = mutex('libc_lock', { type: 'recursive' });

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
