// The same program through glibc's fork(): it takes malloc's locks before the fork, resets them after.
import { pthread_create, pthread_join, malloc, free, fork, _exit, waitpid, WEXITSTATUS,
         assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* allocator() {
  const p = yield* malloc(64);
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* fork();                  // __malloc_fork_lock_parent ... __malloc_fork_unlock_child
  if (pid === 0) {
    const p = yield* malloc(32);
    yield* free(p);
    yield* _exit(5);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 5, 'the child allocated and exited');
  yield* pthread_join(t);
}
