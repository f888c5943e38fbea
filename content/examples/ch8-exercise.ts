// Chapter 8, exercise: a descriptor opened without O_CLOEXEC
// leaks into a program that another thread starts.
import { pthread_create, pthread_join, open, O_WRONLY, O_CREAT, O_CLOEXEC, fcntl,
  F_SETFD, FD_CLOEXEC, write, close, fork, execve, waitpid,
  WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'assertion' };

function* keep_secret() {
  const fd = yield* open('/etc/app/secret.key', O_WRONLY | O_CREAT);
  yield* fcntl(fd, F_SETFD, FD_CLOEXEC); // a fork came first?
  const n = yield* write(fd, 'rotated\n');
  assert(n === 8, 'the key file was written');
  yield* close(fd);
}

function* plugin() {
  // A program we did not write: it must not find the key file.
  assert((yield* close(3)) !== 0, 'fd 3 is not open in it');
  return 0;
}

export default function* main() {
  const t = yield* pthread_create(keep_secret);
  const pid = yield* fork();
  if (pid === 0) yield* execve('/usr/bin/plugin', plugin);
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the plugin ran');
  yield* pthread_join(t);
  return 0;
}
