// The lock-in-prepare pattern: no thread holds the mutex while
// fork copies memory.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  pthread_atfork, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const m = mutex('table_lock');
const entries = cell('entries', 0);

// wait until no other thread is inside
function* prepare() { yield* pthread_mutex_lock(m); }
// the owner unlocks
function* parent() { yield* pthread_mutex_unlock(m); }
// the owner is not here: start afresh
function* child() { yield* pthread_mutex_init(m); }

function* worker() {
  yield* pthread_mutex_lock(m);
  yield* store(entries, (yield* load(entries)) + 1);
  yield* pthread_mutex_unlock(m);
}

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(worker);
  const pid = yield* fork();
  if (pid === 0) {
    yield* pthread_mutex_lock(m);  // held at the fork?
    const n = yield* load(entries);
    yield* pthread_mutex_unlock(m);
    yield* _exit(10 + n);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) >= 10, 'the child read the table');
  yield* pthread_join(t);
}
