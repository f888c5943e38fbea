// The landing page's program: a worker holds a lock at the
// moment main forks, and the child waits for it forever.
import { mutex, pthread_create, pthread_join, pthread_atfork,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  fork, _exit, waitpid } from 'forklore';

// No C library locks: only the program's own.
export const options = { libc: 'none' };
export const expected = { verdict: 'deadlock' };

const lock = mutex('lock');

function* worker() {
  yield* pthread_mutex_lock(lock);
  yield* pthread_mutex_unlock(lock);
}

export default function* main() {
  const t = yield* pthread_create(worker);
  const pid = yield* fork(); // all memory, but one thread
  if (pid === 0) {
    yield* pthread_mutex_lock(lock); // held by the worker?
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
}
