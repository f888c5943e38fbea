// Exercise: a child of a raw fork reports on stdout while a logging thread is printing.
import { pthread_create, pthread_join, printf, _Fork, _exit, waitpid, WEXITSTATUS,
         assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* logger() {
  yield* printf('tick\n');                    // holds stdout's FILE lock while it formats
}

export default function* main() {
  const t = yield* pthread_create(logger);
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* printf('child ready\n');
    yield* _exit(3);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child reported and exited');
  yield* pthread_join(t);
}
