// Chapter 6, fixed: the child handler re-initialises the mutex
// instead of unlocking it.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_atfork, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

// Only the program's own mutex: no C library locks.
export const options = { libc: 'none' };
export const expected = { verdict: 'ok' };

const state_lock = mutex('state_lock', { type: 'errorcheck' });
const counter = cell('counter', 0);

function* prepare() {
  yield* pthread_mutex_lock(state_lock);   // the forker owns it
}
function* parent() {
  yield* pthread_mutex_unlock(state_lock); // same thread: 0
}
function* child() {
  yield* pthread_mutex_init(state_lock);   // fresh, no owner
}

function* bump() {
  const r = yield* pthread_mutex_lock(state_lock);
  assert(r === 0, 'the lock was granted');
  yield* store(counter, (yield* load(counter)) + 1);
  yield* pthread_mutex_unlock(state_lock);
}

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(bump);
  const pid = yield* fork();
  if (pid === 0) {
    yield* bump();
    yield* _exit(0);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child bumped it');
  yield* pthread_join(t);
  return 0;
}
