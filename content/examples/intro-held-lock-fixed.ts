// The landing page's program, repaired: atfork handlers make
// sure nobody holds the lock while fork copies memory.
import { mutex, pthread_create, pthread_join, pthread_atfork,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  fork, _exit, waitpid } from 'forklore';

// No C library locks: only the program's own.
export const options = { libc: 'none' };
export const expected = { verdict: 'ok' };

const lock = mutex('lock');

function* worker() {
  yield* pthread_mutex_lock(lock);
  yield* pthread_mutex_unlock(lock);
}

function* prepare() { yield* pthread_mutex_lock(lock); }
function* parent() { yield* pthread_mutex_unlock(lock); }
function* child() { yield* pthread_mutex_init(lock); }

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(worker);
  const pid = yield* fork(); // all memory, but one thread
  if (pid === 0) {
    yield* pthread_mutex_lock(lock); // held by the worker?
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
}
