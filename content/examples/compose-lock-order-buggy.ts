// Two libraries, each with chapter 3's lock-in-prepare handlers, registered in the order their
// initialisers happened to run. fork() runs prepare handlers last to first, so it takes B's lock
// and then A's, while a thread inside library A calls into library B: A's lock, then B's.
import { mutex, pthread_create, pthread_join, pthread_atfork,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'none' };
export const expected = { verdict: 'deadlock' };

// Library A, a logger, and library B, the stream it writes to.
const a_lock = mutex('liba_lock');
const b_lock = mutex('libb_lock');

function* b_write() {
  yield* pthread_mutex_lock(b_lock);
  yield* pthread_mutex_unlock(b_lock);
}

function* a_log() {
  yield* pthread_mutex_lock(a_lock);
  yield* b_write();                  // A calls B while holding its own lock
  yield* pthread_mutex_unlock(a_lock);
}

// Each library's fork handlers, correct on their own.
function* a_prepare() { yield* pthread_mutex_lock(a_lock); }
function* a_parent() { yield* pthread_mutex_unlock(a_lock); }
function* a_child() { yield* pthread_mutex_init(a_lock); }
function* b_prepare() { yield* pthread_mutex_lock(b_lock); }
function* b_parent() { yield* pthread_mutex_unlock(b_lock); }
function* b_child() { yield* pthread_mutex_init(b_lock); }

function* logger() {
  yield* a_log();
}

export default function* main() {
  // A's initialiser ran first, then B's: fork will run b_prepare, then a_prepare.
  yield* pthread_atfork(a_prepare, a_parent, a_child);
  yield* pthread_atfork(b_prepare, b_parent, b_child);
  const t = yield* pthread_create(logger);
  const pid = yield* fork();
  if (pid === 0) {
    yield* a_log();                  // the child logs too
    yield* _exit(5);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 5, 'the child logged and exited');
  yield* pthread_join(t);
  return 0;
}
