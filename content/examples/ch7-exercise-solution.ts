// Chapter 7, exercise solution: lock in prepare, unlock in the
// parent, re-initialise in the child.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_atfork, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

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

function* prepare() {
  yield* pthread_mutex_lock(stats_lock); // no update half done
}
function* parent() { yield* pthread_mutex_unlock(stats_lock); }
function* child() { yield* pthread_mutex_init(stats_lock); }

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
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
