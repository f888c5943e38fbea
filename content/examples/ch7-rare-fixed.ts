// Chapter 7, fixed: atfork handlers take the log lock before
// the fork and make it free again after.
import { mutex, cell, store, pthread_create, pthread_join,
  pthread_atfork, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

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

function* prepare() {
  yield* pthread_mutex_lock(log_lock); // no line half written
}
function* parent() { yield* pthread_mutex_unlock(log_lock); }
function* child() { yield* pthread_mutex_init(log_lock); }

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
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
