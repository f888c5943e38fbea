// Chapter 5, exercise solution: the child writes to fd 1 with write(), which takes no lock.
import { pthread_create, pthread_join, _Fork, printf, write, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* chatter() {
  yield* printf('worker: busy\n');
}

export default function* main() {
  const t = yield* pthread_create(chatter);
  const pid = yield* _Fork();
  if (pid === 0) {
    const n = yield* write(1, 'child: ready\n'); // a system call: async-signal-safe
    assert(n === 13, 'the child wrote its whole line');
    yield* _exit(3);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child reported ready and exited with 3');
  yield* pthread_join(t);
  return 0;
}
