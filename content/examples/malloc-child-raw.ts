// malloc in the child of a multi-threaded process while another thread allocates, libc 'glibc':
// raw _Fork() resets no lock: malloc's arena lock may be copied held by the other thread.
import { pthread_create, pthread_join, malloc, free, _Fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* allocator() {
  const p = yield* malloc(64);
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* malloc(32);
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
