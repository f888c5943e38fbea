// A raw fork, with none of glibc's fork handling, while another thread
// frees a block of the main thread's arena: the child's malloc hangs.
import { pthread_create, pthread_join, malloc, free, _Fork,
  _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* releaser(block: number) {
  yield* free(block);            // takes the lock of the block's arena
}

export default function* main() {
  const block = yield* malloc(4096); // from main's arena, main_arena
  const t = yield* pthread_create(releaser, block);
  const pid = yield* _Fork();    // copies the lock as it is
  if (pid === 0) {
    const p = yield* malloc(32); // main_arena again
    yield* free(p);
    yield* _exit(5);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 5, 'the child allocated');
  yield* pthread_join(t);
}
