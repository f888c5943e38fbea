// A zygote, after Android's: a runtime whose daemon thread works on the heap under heap_lock, and
// which forks a new app on request. The app's first allocation takes heap_lock. Make every schedule
// pass without giving up the daemon: the parent and the app must both have one running afterwards.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, fork, _exit, waitpid,
  WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const heap_lock = mutex('heap_lock');
const stop = cell('stop', 0);

// HeapTaskDaemon, cut down: a few rounds of work, each under heap_lock, until asked to stop.
function* heap_daemon() {
  for (let round = 0; round < 2; round++) {
    if ((yield* load(stop)) === 1) return 0;
    yield* pthread_mutex_lock(heap_lock);
    yield* pthread_mutex_unlock(heap_lock);
  }
  return 0;
}

function* app() {                    // the new app's first allocation
  yield* pthread_mutex_lock(heap_lock);
  yield* pthread_mutex_unlock(heap_lock);
  return 9;
}

export default function* main() {
  const daemon = yield* pthread_create(heap_daemon);
  const pid = yield* fork();         // a request for a new app
  if (pid === 0) {
    const again = yield* pthread_create(heap_daemon);
    const code = yield* app();
    yield* pthread_join(again);
    yield* _exit(code);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 9, 'the app started and allocated');
  yield* pthread_join(daemon);
  return 0;
}
