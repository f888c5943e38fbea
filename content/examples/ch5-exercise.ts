// Chapter 5, exercise: the child of a raw _Fork() prints while another thread may hold stdout's lock.
import { pthread_create, pthread_join, _Fork, printf, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* chatter() {
  yield* printf('worker: busy\n'); // locks stdout's FILE lock while it formats
}

export default function* main() {
  const t = yield* pthread_create(chatter);
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* printf('child: ready\n'); // stdout's lock was copied, maybe held
    yield* _exit(3);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 3, 'the child reported ready and exited with 3');
  yield* pthread_join(t);
  return 0;
}
