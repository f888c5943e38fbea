// Plash's fork() wrapper as of revision 743, cut down: one thread forks while another is inside the library.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         clone_connection, write, _Fork, close, dup2, _exit, waitpid, WEXITSTATUS,
         assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'deadlock' };

// PlashGlibc's one lock, taken around every call to the server (libc-comms.c).
const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* plash_call() {                      // any PlashGlibc call, open() for instance
  yield* pthread_mutex_lock(libc_lock);
  yield* write(3, 'Call');                    // a request to the server on the connection
  yield* pthread_mutex_unlock(libc_lock);
}

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
