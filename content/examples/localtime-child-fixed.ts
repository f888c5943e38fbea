// The same program with the time formatted in the parent, before the fork, where every lock
// works; the child only makes a system call, write, which takes no lock at all.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock,
  pthread_mutex_unlock, fork, write, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

// __libc_lock_define_initialized (static, tzset_lock)
const tzset_lock = mutex('tzset_lock');

function* localtime() {              // tzset_internal() and the conversion, under tzset_lock
  yield* pthread_mutex_lock(tzset_lock);
  yield* pthread_mutex_unlock(tzset_lock);
  return '12:00:00';
}

function* clock_thread() {           // another thread formats a time stamp
  yield* localtime();
}

export default function* main() {
  const t = yield* pthread_create(clock_thread);
  const now = yield* localtime();    // in the parent, before the fork
  const line = `child started at ${now}\n`;
  const pid = yield* fork();
  if (pid === 0) {
    yield* write(1, line);           // a system call: no lock
    yield* _exit(0);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child reported its start');
  yield* pthread_join(t);
  return 0;
}
