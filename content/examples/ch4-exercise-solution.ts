// Solution: after a raw fork the child writes with write(2),
// a system call that takes no lock, instead of printf.
import { pthread_create, pthread_join, printf, write, fork,
  _Fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* logger() {
  yield* printf('tick\n');       // holds stdout's FILE lock
}

export default function* main() {
  const t = yield* pthread_create(logger);
  const pid = yield* _Fork();
  if (pid === 0) {
    const n = yield* write(1, 'child ready\n');
    yield* _exit(n === 12 ? 3 : 1);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child wrote its line');
  yield* pthread_join(t);
}
