// The same mail handler, starting sendmail the way posix_spawn does in glibc 2.24 and later: a
// clone that runs no fork handlers, whose child does nothing but exec. The simulator has no
// CLONE_VM, so _Fork() plays the clone; for locks it is the same, since the child touches none.
import { mutex, pthread_atfork, pthread_mutex_lock, pthread_mutex_unlock,
  pthread_mutex_init, _Fork, execve, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const log_lock = mutex('log_lock');

function* prepare() { yield* pthread_mutex_lock(log_lock); }
function* parent() { yield* pthread_mutex_unlock(log_lock); }
function* child() { yield* pthread_mutex_init(log_lock); }

function* sendmail() {               // the program the child runs
  return 0;
}

// posix_spawn(&pid, path, NULL, NULL, argv, envp), as far as locks are concerned.
function* posix_spawn(path: string, image: () => Generator) {
  const pid = yield* _Fork();        // no prepare, parent or child handlers
  if (pid === 0) yield* execve(path, image);
  return pid;
}

// Called by the library for every record, under log_lock.
function* mail_handler() {
  const pid = yield* posix_spawn('/usr/sbin/sendmail', sendmail);
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
