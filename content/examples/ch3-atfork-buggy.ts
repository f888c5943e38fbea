// A program's own mutex, held by a worker thread at the moment
// main forks: the child hangs.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  pthread_atfork, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const m = mutex('table_lock');
const entries = cell('entries', 0);

function* worker() {
  yield* pthread_mutex_lock(m);
  yield* store(entries, (yield* load(entries)) + 1);
  yield* pthread_mutex_unlock(m);
}

export default function* main() {
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
