// printf in the child of a multi-threaded process while another thread prints, libc 'glibc':
// glibc's fork() takes the stdio locks before the copy and re-initialises them in the child.
import { pthread_create, pthread_join, printf, fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* chatter() {
  yield* printf('working\n');
}

export default function* main() {
  const t = yield* pthread_create(chatter);
  const pid = yield* fork();
  if (pid === 0) {
    yield* printf('hello from the child\n');
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
