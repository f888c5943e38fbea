// The landing page's program, repaired: atfork handlers make sure nobody holds the lock while fork copies it.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         pthread_mutex_init, pthread_atfork, fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'none' }; // no C library locks: only the program's own
export const expected = { verdict: 'ok' };

const lock = mutex('lock');

function* worker() {
  yield* pthread_mutex_lock(lock);
  yield* pthread_mutex_unlock(lock);
}

function* prepare() { yield* pthread_mutex_lock(lock); }   // wait until the worker is out
function* parent() { yield* pthread_mutex_unlock(lock); }
function* child() { yield* pthread_mutex_init(lock); }     // the child owns nothing: start afresh

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(worker);
  const pid = yield* fork();
  if (pid === 0) {
    yield* pthread_mutex_lock(lock);
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
}
