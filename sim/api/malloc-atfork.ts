// glibc 2.7's malloc fork handlers (malloc/arena.c), registered as ordinary atfork handlers
// before the program's: ptmalloc_lock_all, ptmalloc_unlock_all, ptmalloc_unlock_all2.
import type { AtforkEntry, Op } from './ops.ts';
import { MAIN_ARENA, MALLOC_LIST_LOCK } from './libc-locks.ts';

function* ptmalloc_lock_all(): Generator<Op, void, unknown> {
  yield { k: 'lock', m: MALLOC_LIST_LOCK };
  yield { k: 'lock', m: MAIN_ARENA };
}
function* ptmalloc_unlock_all(): Generator<Op, void, unknown> {
  yield { k: 'unlock', m: MAIN_ARENA };
  yield { k: 'unlock', m: MALLOC_LIST_LOCK };
}
// "In NPTL, unlocking a mutex in the child process after a fork() is currently unsafe, whereas
// re-initializing it is safe and does not leak resources." (glibc 2.7 malloc/arena.c)
function* ptmalloc_unlock_all2(): Generator<Op, void, unknown> {
  yield { k: 'reset', m: MAIN_ARENA };
  yield { k: 'reset', m: MALLOC_LIST_LOCK };
}

export const MALLOC_ATFORK_2_7: AtforkEntry = {
  prepare: ptmalloc_lock_all,
  parent: ptmalloc_unlock_all,
  child: ptmalloc_unlock_all2,
  internal: 'malloc',
};
