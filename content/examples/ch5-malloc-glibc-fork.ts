// Chapter 5, fixed: the same program through glibc's fork(), which takes malloc's locks before forking.
import { pthread_create, pthread_join, fork, malloc, free, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* allocator() {
  const p = yield* malloc(64); // takes the arena lock, allocates, releases the lock
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* fork(); // locks every arena first, re-initialises them in the child
  if (pid === 0) {
    const buf = yield* malloc(32); // works, though POSIX does not promise it
    assert(buf !== 0, 'the child got its buffer');
    yield* free(buf);
    yield* _exit(7);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 7, 'the child finished its work');
  yield* pthread_join(t);
  return 0;
}
