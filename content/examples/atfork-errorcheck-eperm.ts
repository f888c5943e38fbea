// The same atfork pattern on an error-checking mutex: the child handler's unlock fails with EPERM,
// because the owner recorded in the mutex is the parent's thread id, and the child's thread has a new one.
import { mutex, pthread_atfork, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock,
         fork, _exit, waitpid, EPERM, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'assertion' };

const m = mutex('m', { type: 'errorcheck' });

function* prepare() { yield* pthread_mutex_lock(m); }
function* parent() { yield* pthread_mutex_unlock(m); }
function* child() {
  const r = yield* pthread_mutex_unlock(m);
  assert(r !== EPERM, 'unlocking the mutex in the child returned EPERM: it stays locked by the parent\'s thread');
}

function* worker() {
  yield* pthread_mutex_lock(m);
  yield* pthread_mutex_unlock(m);
}

export default function* main() {
  yield* pthread_atfork(prepare, parent, child);
  const t = yield* pthread_create(worker);
  const pid = yield* fork();
  if (pid === 0) yield* _exit(0);
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
