// malloc in the child of a multi-threaded process while another thread allocates, libc 'glibc':
// glibc's fork() takes malloc's locks last, after the handlers, and re-initialises them in the child.
import { pthread_create, pthread_join, malloc, free, fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* allocator() {
  const p = yield* malloc(64);
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* fork();
  if (pid === 0) {
    yield* malloc(32);
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
