// The same two libraries, with B's handlers registered first: fork() now takes A's lock and
// then B's, the order a thread inside library A takes them in, and no cycle can form. The only
// change is the order of the two pthread_atfork lines, which a real program spreads over two libraries.
import { mutex, pthread_create, pthread_join, pthread_atfork,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'none' };
export const expected = { verdict: 'ok' };

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
  // B's initialiser ran first, then A's: fork will run a_prepare, then b_prepare.
  yield* pthread_atfork(b_prepare, b_parent, b_child);
  yield* pthread_atfork(a_prepare, a_parent, a_child);
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
