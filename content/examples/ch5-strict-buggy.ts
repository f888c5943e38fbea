// Chapter 5, buggy by POSIX's rule: the child of a threaded
// process calls malloc and printf before exec or _exit.
import { pthread_create, pthread_join, fork, malloc, free,
  printf, write, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

// strict: report every call in the child that POSIX does not
// promise to work there.
export const options = { libc: 'glibc', strict: true };
export const expected = { verdict: 'unsafe-call' };

function* allocator() {
  const p = yield* malloc(64);
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* fork();
  if (pid === 0) {
    const buf = yield* malloc(32);   // glibc makes it work
    yield* printf('child: ready\n'); // POSIX: not promised
    yield* free(buf);
    yield* _exit(3);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child reported ready');
  yield* pthread_join(t);
  return 0;
}
