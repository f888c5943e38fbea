// glibc 2.7's malloc fork handlers (malloc/arena.c), registered as ordinary atfork handlers
// before the program's: ptmalloc_lock_all, ptmalloc_unlock_all, ptmalloc_unlock_all2 (sim/api/malloc.ts).
import type { AtforkEntry } from './ops.ts';
import { ptmalloc_lock_all, ptmalloc_unlock_all, ptmalloc_unlock_all2 } from './malloc.ts';

export const MALLOC_ATFORK_2_7: AtforkEntry = {
  prepare: ptmalloc_lock_all,
  parent: ptmalloc_unlock_all,
  child: ptmalloc_unlock_all2,
  internal: 'malloc',
};
