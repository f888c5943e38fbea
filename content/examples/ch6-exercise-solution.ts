// Chapter 6, exercise solution: the parent unlocks; the child,
// which owns nothing, re-initialises.
import { mutex, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  _Fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const libc_lock = mutex('libc_lock', { type: 'recursive' });

function* server_call() {
  const r = yield* pthread_mutex_lock(libc_lock);
  assert(r === 0, 'the lock was granted');
  yield* pthread_mutex_unlock(libc_lock);
}

function* my_fork() {
  yield* pthread_mutex_lock(libc_lock); // nobody else holds it
  const pid = yield* _Fork();
  if (pid === 0) {
    // What Plash's revision 815 does.
    yield* pthread_mutex_init(libc_lock, { type: 'recursive' });
  } else {
    yield* pthread_mutex_unlock(libc_lock); // the owner unlocks
  }
  return pid;
}

function* worker() {
  yield* server_call();
}

export default function* main() {
  const t = yield* pthread_create(worker);
  const pid = yield* my_fork();
  if (pid === 0) {
    yield* server_call();
    yield* _exit(5);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 5, 'the child made its call');
  yield* pthread_join(t);
  return 0;
}
