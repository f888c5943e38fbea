// The same program through glibc's fork(), which takes malloc's
// locks before the fork and re-initialises them in the child.
import { pthread_create, pthread_join, malloc, free, fork,
  _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* releaser(block: number) {
  yield* free(block);            // takes the lock of the block's arena
}

export default function* main() {
  const block = yield* malloc(4096); // from main's arena, main_arena
  const t = yield* pthread_create(releaser, block);
  const pid = yield* fork();     // takes it, then resets it
  if (pid === 0) {
    const p = yield* malloc(32); // main_arena again
    yield* free(p);
    yield* _exit(5);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 5, 'the child allocated');
  yield* pthread_join(t);
}
