// A logging library with chapter 3's lock-in-prepare handlers. Its mail handler runs with the
// library's lock held and starts /usr/sbin/sendmail with fork() and exec: fork runs the prepare
// handler, which asks for the lock its own thread holds. No other thread is needed.
import { mutex, pthread_atfork, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, fork, execve, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const log_lock = mutex('log_lock');

function* prepare() { yield* pthread_mutex_lock(log_lock); }
function* parent() { yield* pthread_mutex_unlock(log_lock); }
function* child() { yield* pthread_mutex_init(log_lock); }

function* sendmail() {               // the program the child runs
  return 0;
}

// Called by the library for every record, under log_lock.
function* mail_handler() {
  const pid = yield* fork();
  if (pid === 0) yield* execve('/usr/sbin/sendmail', sendmail);
  const { status } = yield* waitpid(pid);
  return WEXITSTATUS(status);
}

function* log_record() {
  yield* pthread_mutex_lock(log_lock);
  const r = yield* mail_handler();
  yield* pthread_mutex_unlock(log_lock);
  return r;
}

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);  // the library's initialiser
  const r = yield* log_record();
  assert(r === 0, 'sendmail ran and exited with 0');
  return 0;
}
