// Close-on-fork instead of a lock: no other child inherits the
// connection, but neither does the child it was made for.
import { pthread_create, pthread_join, clone_connection, fcntl,
  F_SETFD, FD_CLOFORK, _Fork, close, dup2, _exit, waitpid,
  WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'assertion' };

function* new_fork() {
  const fd = yield* clone_connection();
  // closed in every child from now on
  yield* fcntl(fd, F_SETFD, FD_CLOFORK);
  const pid = yield* _Fork();
  if (pid === 0) {
    const r = yield* dup2(fd, 3);
    if (r !== 3) yield* _exit(99);   // no server connection
    yield* close(fd);
    return 0;
  }
  yield* close(fd);
  return pid;
}

function* thread() {
  const pid = yield* new_fork();
  if (pid === 0) yield* _exit(0);
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child has its fd');
}

export default function* main() {
  const a = yield* pthread_create(thread);
  yield* pthread_join(a);
}
