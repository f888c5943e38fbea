// printf in the child of a multi-threaded process while another thread prints, libc 'glibc':
// raw _Fork() resets no lock: stdout's FILE lock may be copied held by the other thread.
import { pthread_create, pthread_join, printf, _Fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* chatter() {
  yield* printf('working\n');
}

export default function* main() {
  const t = yield* pthread_create(chatter);
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* printf('hello from the child\n');
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
