// Chapter 7, buggy: the logger holds its lock for one step in
// thirty; fork rarely lands in that step.
import { mutex, cell, store, pthread_create, pthread_join,
  pthread_atfork, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

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
  // Long stretches of work without the lock.
  for (let i = 1; i <= 12; i++) yield* store(work, i);
  yield* log('logger: halfway');
  for (let i = 13; i <= 24; i++) yield* store(work, i);
}

export default function* main() {
  const t = yield* pthread_create(logger);
  const pid = yield* fork();
  if (pid === 0) {
    yield* log('child: started'); // held at the fork?
    yield* _exit(0);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child logged');
  yield* pthread_join(t);
  return 0;
}
