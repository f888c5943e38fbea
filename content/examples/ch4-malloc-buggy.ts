// A raw fork, with none of glibc's fork handling, while another
// thread is inside malloc: the child's malloc hangs.
import { pthread_create, pthread_join, malloc, free, fork,
  _Fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* allocator() {
  const p = yield* malloc(64);   // takes the arena's lock
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* _Fork();    // copies the lock as it is
  if (pid === 0) {
    const p = yield* malloc(32);
    yield* free(p);
    yield* _exit(5);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 5, 'the child allocated');
  yield* pthread_join(t);
}
