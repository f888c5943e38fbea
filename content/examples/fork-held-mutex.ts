// A program mutex held by another thread at the moment of fork, then locked in the child: the holder
// was not copied, so nothing in the child can ever unlock it.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock, cell, load, store,
         fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const m = mutex('m');
const counter = cell('counter', 0);

function* worker() {
  yield* pthread_mutex_lock(m);
  yield* store(counter, (yield* load(counter)) + 1);
  yield* pthread_mutex_unlock(m);
}

export default function* main() {
  const t = yield* pthread_create(worker);
  const pid = yield* fork(); // no atfork handler protects m
  if (pid === 0) {
    yield* pthread_mutex_lock(m);
    yield* load(counter);
    yield* pthread_mutex_unlock(m);
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
