// pthread_atfork's classic pattern on a default (normal) mutex: lock in prepare, unlock in parent and
// child. glibc's normal mutex unlocks whatever its owner, so the child can use the mutex afterwards.
import { mutex, pthread_atfork, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         cell, load, store, fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const m = mutex('m');
const counter = cell('counter', 0);

function* prepare() { yield* pthread_mutex_lock(m); }
function* parent() { yield* pthread_mutex_unlock(m); }
function* child() { yield* pthread_mutex_unlock(m); }

function* worker() {
  yield* pthread_mutex_lock(m);
  yield* store(counter, (yield* load(counter)) + 1);
  yield* pthread_mutex_unlock(m);
}

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(worker);
  const pid = yield* fork();
  if (pid === 0) {
    yield* pthread_mutex_lock(m); // free: the child handler unlocked it
    const n = yield* load(counter);
    yield* pthread_mutex_unlock(m);
    yield* _exit(n);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) <= 1, 'the child saw a whole update or none');
  yield* pthread_join(t);
  return 0;
}
