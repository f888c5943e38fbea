// Chapter 5, fixed: the child makes only async-signal-safe
// calls (write, _exit) before it ends.
import { pthread_create, pthread_join, fork, malloc, free,
  printf, write, _exit, waitpid, WEXITSTATUS,
  assert } from 'forklore';

// strict: report every call in the child that POSIX does not
// promise to work there.
export const options = { libc: 'glibc', strict: true };
export const expected = { verdict: 'ok' };

function* allocator() {
  const p = yield* malloc(64);
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const line = 'child: ready\n';  // prepared before the fork
  const pid = yield* fork();
  if (pid === 0) {
    const n = yield* write(1, line); // a system call
    assert(n === line.length, 'the child wrote its line');
    yield* _exit(3);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child reported ready');
  yield* pthread_join(t);
  return 0;
}
