// malloc in the child of a multi-threaded process while another thread allocates, libc 'glibc':
// raw _Fork() resets no lock, but glibc gives the other thread an arena of its own (arena_get2), so
// the lock it may hold is not main_arena, the forking thread's, from which the child allocates.
// Real glibc 2.36: 0 of 200 children hang; with M_ARENA_MAX=1 the threads share main_arena.
import { pthread_create, pthread_join, malloc, free, _Fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* allocator() {
  const p = yield* malloc(64);
  yield* free(p);
}

export default function* main() {
  const t = yield* pthread_create(allocator);
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* malloc(32);
    yield* _exit(0);
  }
  yield* waitpid(pid);
  yield* pthread_join(t);
  return 0;
}
