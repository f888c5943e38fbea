// Chapter 6: what unlocking a mutex held at fork returns in the
// child, for each of the three kinds.
import { mutex, pthread_mutex_lock, pthread_mutex_unlock, _Fork,
  _exit, waitpid, EPERM, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const normal = mutex('normal'); // the default kind
const checked = mutex('checked', { type: 'errorcheck' });
const counted = mutex('counted', { type: 'recursive' });

export default function* main() {
  yield* pthread_mutex_lock(normal);
  yield* pthread_mutex_lock(checked);
  yield* pthread_mutex_lock(counted);
  const pid = yield* _Fork(); // no handlers interfere
  if (pid === 0) {
    // Each word names the parent's thread as owner; this thread
    // has another id.
    const a = yield* pthread_mutex_unlock(normal);
    const b = yield* pthread_mutex_unlock(checked);
    const c = yield* pthread_mutex_unlock(counted);
    assert(a === 0, 'normal: no owner check, 0');
    assert(b === EPERM, 'errorcheck: EPERM');
    assert(c === EPERM, 'recursive: EPERM');
    yield* _exit(0);
  }
  yield* pthread_mutex_unlock(normal);
  yield* pthread_mutex_unlock(checked);
  yield* pthread_mutex_unlock(counted);
  yield* waitpid(pid);
  return 0;
}
