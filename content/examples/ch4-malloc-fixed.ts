// The same program through glibc's fork(), which takes malloc's
// locks before the fork and re-initialises them in the child.
import { pthread_create, pthread_join, malloc, free, fork,
  _Fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* allocator() {
  const p = yield* malloc(64);   // takes the arena's lock
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* fork();     // takes it, then resets it
  if (pid === 0) {
    const p = yield* malloc(32);
    yield* free(p);
    yield* _exit(5);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 5, 'the child allocated');
  yield* pthread_join(t);
}
