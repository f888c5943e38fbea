// The landing page's program: a worker holds a lock at the moment main forks, and the child waits for it forever.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'none' }; // no C library locks: only the program's own
export const expected = { verdict: 'deadlock' };

const lock = mutex('lock');

function* worker() {
  yield* pthread_mutex_lock(lock);
  yield* pthread_mutex_unlock(lock);
}

export default function* main() {
  const t = yield* pthread_create(worker);
  const pid = yield* fork();          // copies every byte of memory, but only this thread
  if (pid === 0) {
    yield* pthread_mutex_lock(lock);  // held by the worker? The worker was not copied.
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
}
