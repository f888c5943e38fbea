// Chapter 7, buggy: the logger holds its lock for one step in thirty; fork rarely lands in that step.
import { mutex, cell, store, pthread_create, pthread_join, pthread_mutex_lock,
         pthread_mutex_unlock, fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const log_lock = mutex('log_lock');
const log_line = cell('log_line', '');
const work = cell('work', 0);

function* log(text: string) {
  yield* pthread_mutex_lock(log_lock);
  yield* store(log_line, text);
  yield* pthread_mutex_unlock(log_lock);
}

function* logger() {
  for (let i = 1; i <= 12; i++) yield* store(work, i); // long stretches without the lock
  yield* log('logger: halfway');
  for (let i = 13; i <= 24; i++) yield* store(work, i);
}

export default function* main() {
  const t = yield* pthread_create(logger);
  const pid = yield* fork();
  if (pid === 0) {
    yield* log('child: started'); // hangs only if fork came between lock and unlock
    yield* _exit(0);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child logged and exited');
  yield* pthread_join(t);
  return 0;
}
