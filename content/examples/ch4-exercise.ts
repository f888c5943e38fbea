// Exercise: the child of a raw fork reports on stdout while a
// logging thread may be printing.
import { pthread_create, pthread_join, printf, write, fork,
  _Fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* logger() {
  yield* printf('tick\n');       // holds stdout's FILE lock
}

export default function* main() {
  const t = yield* pthread_create(logger);
  const pid = yield* _Fork();
  if (pid === 0) {
    const n = yield* printf('child ready\n');
    yield* _exit(n === 12 ? 3 : 1);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child wrote its line');
  yield* pthread_join(t);
}
