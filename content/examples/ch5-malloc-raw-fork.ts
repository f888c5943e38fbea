// Chapter 5, buggy: a child made by the raw _Fork() calls malloc while another thread may hold malloc's lock.
import { pthread_create, pthread_join, _Fork, malloc, free, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* allocator() {
  const p = yield* malloc(64); // takes the arena lock, allocates, releases the lock
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* _Fork(); // raw: no atfork handlers, malloc's locks copied as they are
  if (pid === 0) {
    const buf = yield* malloc(32); // the arena lock may belong to a thread that is not here
    assert(buf !== 0, 'the child got its buffer');
    yield* free(buf);
    yield* _exit(7);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 7, 'the child finished its work');
  yield* pthread_join(t);
  return 0;
}
