// Chapter 8, buggy: the child of a threaded server does real
// work before it ever calls exec.
import { mutex, cell, load, store, pthread_create, pthread_join,
  pthread_mutex_lock, pthread_mutex_unlock, fork, execve,
  printf, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

const config_lock = mutex('config_lock');
const level = cell('level', 1);

function* reloader() { // re-reads the configuration
  yield* pthread_mutex_lock(config_lock);
  yield* store(level, 2);
  yield* pthread_mutex_unlock(config_lock);
}

export default function* main() {
  const t = yield* pthread_create(reloader);
  const pid = yield* fork();
  if (pid === 0) {
    yield* pthread_mutex_lock(config_lock); // held at the fork?
    const l = yield* load(level);
    yield* pthread_mutex_unlock(config_lock);
    yield* printf(`job at level ${l}\n`);
    yield* _exit(l);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) >= 1, 'the job ran');
  yield* pthread_join(t);
  return 0;
}
