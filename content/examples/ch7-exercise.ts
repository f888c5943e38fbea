// Chapter 7, exercise: the child reads statistics that another
// thread updates in two steps under a lock.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_atfork, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const stats_lock = mutex('stats_lock');
const requests = cell('requests', 0);
const bytes = cell('bytes', 0); // always 100 * requests

function* serve() {
  for (let i = 0; i < 3; i++) {
    yield* pthread_mutex_lock(stats_lock);
    yield* store(requests, (yield* load(requests)) + 1);
    yield* store(bytes, (yield* load(bytes)) + 100);
    yield* pthread_mutex_unlock(stats_lock);
  }
}

function* report() {
  yield* pthread_mutex_lock(stats_lock);
  const r = yield* load(requests);
  const b = yield* load(bytes);
  yield* pthread_mutex_unlock(stats_lock);
  assert(b === 100 * r, 'the statistics are consistent');
}

export default function* main() {
  const t = yield* pthread_create(serve);
  const pid = yield* fork();
  if (pid === 0) {
    yield* report();
    yield* _exit(0);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child reported');
  yield* pthread_join(t);
  return 0;
}
