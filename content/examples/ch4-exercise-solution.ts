// Solution: after a raw fork the child uses write(2), which takes no lock, instead of printf.
import { pthread_create, pthread_join, printf, write, _Fork, _exit, waitpid, WEXITSTATUS,
         assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* logger() {
  yield* printf('tick\n');
}

export default function* main() {
  const t = yield* pthread_create(logger);
  const pid = yield* _Fork();
  if (pid === 0) {
    const n = yield* write(1, 'child ready\n');   // async-signal-safe: a system call, no FILE lock
    yield* _exit(n === 12 ? 3 : 1);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child reported and exited');
  yield* pthread_join(t);
}
