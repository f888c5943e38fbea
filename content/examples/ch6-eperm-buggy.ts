// Chapter 6, buggy: the child handler unlocks an error-checking mutex it does not own, and gets EPERM.
import { mutex, cell, load, store, pthread_create, pthread_join, pthread_atfork,
         pthread_mutex_lock, pthread_mutex_unlock, fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'none' }; // only the program's own mutex: no C library locks
export const expected = { verdict: 'deadlock' };

const state_lock = mutex('state_lock', { type: 'errorcheck' });
const counter = cell('counter', 0);

function* prepare() { yield* pthread_mutex_lock(state_lock); }   // the forking thread owns it
function* parent() { yield* pthread_mutex_unlock(state_lock); }  // same thread: returns 0
function* child() { yield* pthread_mutex_unlock(state_lock); }   // a new thread id: EPERM, still locked

function* bump() {
  yield* pthread_mutex_lock(state_lock);
  yield* store(counter, (yield* load(counter)) + 1);
  yield* pthread_mutex_unlock(state_lock);
}

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(bump);
  const pid = yield* fork();
  if (pid === 0) {
    yield* bump(); // waits for the owner recorded in the word: the parent's thread
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
