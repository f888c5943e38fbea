// Chapter 8, fixed: read what the child needs before the fork;
// the child only calls exec (posix_spawn's shape).
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, fork, execve,
  printf, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const config_lock = mutex('config_lock');
const level = cell('level', 1);

function* reloader() { // re-reads the configuration
  yield* pthread_mutex_lock(config_lock);
  yield* store(level, 2);
  yield* pthread_mutex_unlock(config_lock);
}

export default function* main() {
  const t = yield* pthread_create(reloader);
  yield* pthread_mutex_lock(config_lock); // in the parent
  const l = yield* load(level);
  yield* pthread_mutex_unlock(config_lock);
  const pid = yield* fork();
  if (pid === 0) {
    // Nothing between fork and exec; l travels as argv would.
    yield* execve('/usr/libexec/job', function* job() {
      yield* printf(`job at level ${l}\n`);
      return l;
    });
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === l, 'the job ran at level l');
  yield* pthread_join(t);
  return 0;
}
