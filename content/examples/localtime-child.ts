// glibc's fork() takes and resets malloc's and stdio's locks, but not the lock localtime() takes:
// tzset_lock in time/tzset.c, which posix/fork.c never mentions. The simulator's libc model has no
// time-zone lock, so this program declares one that stands for it.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock,
  pthread_mutex_unlock, fork, printf, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

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
  const pid = yield* fork();         // glibc's fork: malloc and stdio are safe in the child
  if (pid === 0) {
    const now = yield* localtime();  // this lock was not reset
    yield* printf(`child started at ${now}\n`);
    yield* _exit(0);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child reported its start');
  yield* pthread_join(t);
  return 0;
}
