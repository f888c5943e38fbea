// One solution, the shape of Android's ZygoteHooks: preFork() stops the daemons and waits until the
// process has one thread (Android polls /proc/self/task; here, pthread_join), fork copies a process
// in which no thread can hold heap_lock, and postForkCommon() starts the daemons again on both sides.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, fork, _exit, waitpid,
  WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

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

function* preFork(daemon: number) {  // Daemons.stop(); waitUntilAllThreadsStopped()
  yield* store(stop, 1);
  yield* pthread_join(daemon);
  yield* store(stop, 0);
}

function* postForkCommon() {         // Daemons.start(), in the parent and in the child
  return yield* pthread_create(heap_daemon);
}

export default function* main() {
  yield* preFork(yield* pthread_create(heap_daemon));
  const pid = yield* fork();         // a request for a new app
  const daemon = yield* postForkCommon();
  if (pid === 0) {
    const code = yield* app();
    yield* pthread_join(daemon);
    yield* _exit(code);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 9, 'the app started and allocated');
  yield* pthread_join(daemon);
  return 0;
}
