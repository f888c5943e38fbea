// Solution: lock in prepare, so that fork copies memory only
// between whole transfers.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
  pthread_atfork, fork, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const m = mutex('account_lock');
const debit = cell('debit', 0);    // under m: debit === credit
const credit = cell('credit', 0);

function* prepare() { yield* pthread_mutex_lock(m); }
function* parent() { yield* pthread_mutex_unlock(m); }
function* child() { yield* pthread_mutex_init(m); }

function* transfer() {
  yield* pthread_mutex_lock(m);
  yield* store(debit, 100);
  yield* store(credit, 100);
  yield* pthread_mutex_unlock(m);
}

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(transfer);
  const pid = yield* fork();
  if (pid === 0) {
    yield* pthread_mutex_lock(m);
    const d = yield* load(debit);
    const c = yield* load(credit);
    yield* pthread_mutex_unlock(m);
    assert(d === c, 'the books balance in the child');
    yield* _exit(42);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 42, 'the child checked');
  yield* pthread_join(t);
}
