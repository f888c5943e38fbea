// Chapter 6: what unlocking a mutex held at fork returns in the child, for each of the three kinds.
import { mutex, pthread_mutex_lock, pthread_mutex_unlock, _Fork, _exit, waitpid,
         EPERM, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const normal = mutex('normal');                               // PTHREAD_MUTEX_NORMAL (the default)
const checked = mutex('checked', { type: 'errorcheck' });     // PTHREAD_MUTEX_ERRORCHECK
const counted = mutex('counted', { type: 'recursive' });      // PTHREAD_MUTEX_RECURSIVE

export default function* main() {
  yield* pthread_mutex_lock(normal);
  yield* pthread_mutex_lock(checked);
  yield* pthread_mutex_lock(counted);
  const pid = yield* _Fork();
  if (pid === 0) {
    // Every word still names the parent's thread as owner; this thread has another id.
    assert((yield* pthread_mutex_unlock(normal)) === 0, 'normal: no owner check, 0');
    assert((yield* pthread_mutex_unlock(checked)) === EPERM, 'errorcheck: EPERM');
    assert((yield* pthread_mutex_unlock(counted)) === EPERM, 'recursive: EPERM');
    yield* _exit(0);
  }
  yield* pthread_mutex_unlock(normal);
  yield* pthread_mutex_unlock(checked);
  yield* pthread_mutex_unlock(counted);
  yield* waitpid(pid);
  return 0;
}
