// malloc, free and mallopt as glibc runs them, per libc model: which arena a thread locks, how it gets
// one (2.36 arena_get2, 2.7's trylock-and-move), 2.36's tcache, and malloc's fork handlers. Lines are
// glibc's malloc/malloc.c and malloc/arena.c at tags glibc-2.36 and glibc-2.7 (github:bminor/glibc).
// The world keeps the bookkeeping (sim/world/ops/malloc.ts); the steps here are the locks glibc takes.
import type { ArenaPick, MallocState } from './ops.ts';
import { arenaLock, ATFORK_ARENA, MAIN_ARENA_NAME, MALLOC_LIST_LOCK } from './libc-locks.ts';
import { op, type G } from './op.ts';

/** mallopt parameters (malloc/malloc.h). */
export const M_ARENA_TEST = -7;
export const M_ARENA_MAX = -8;
/** DEFAULT_MMAP_THRESHOLD: a chunk this big is mmapped, and free munmaps it without an arena lock. */
const MMAP_THRESHOLD = 128 * 1024;
/** get_max_fast () by default (set_max_fast (DEFAULT_MXFAST = 64 * SIZE_SZ / 4)): fastbin chunks. */
const MAX_FAST = 128;

const lock = (name: string): G<unknown> => op({ k: 'lock', m: arenaLock(name) });
const unlock = (name: string): G<unknown> => op({ k: 'unlock', m: arenaLock(name) });
const trylock = (name: string): G<number> => op<number>({ k: 'trylock', m: arenaLock(name) });
const heap = (what: 'malloc' | 'free', n: number, arena?: string): G<number> =>
  op<number>(arena ? { k: 'heap', what, n, arena } : { k: 'heap', what, n });

/**
 * 2.36 arena_get (arena.c:138): a thread with thread_arena locks it, blocking (it never moves);
 * one without runs arena_get2 (arena.c:924): get_free_list (arenas of exited threads), else a new
 * arena while narenas <= narenas_limit - 1 (_int_new_arena: list_lock around linking it, then its
 * lock), else reused_arena (trylock round the list from next_to_use, else wait for next_to_use).
 * Returns the arena, locked.
 */
function* arenaGet236(arena: string | null): G<string> {
  if (arena) {
    yield* lock(arena);
    return arena;
  }
  const r = (yield { k: 'arena', what: 'pick' }) as ArenaPick;
  if (r.how === 'free') {
    yield* lock(r.name);
    return r.name;
  }
  if (r.how === 'new') {
    yield { k: 'lock', m: MALLOC_LIST_LOCK };
    yield { k: 'arena', what: 'link', name: r.name };
    yield { k: 'unlock', m: MALLOC_LIST_LOCK };
    // arena.c:790: "Another thread may have been attached to this arena" before this lock.
    yield* lock(r.name);
    return r.name;
  }
  let got: string | null = null;
  for (const a of r.order) {
    if ((yield* trylock(a)) === 0) {
      got = a;
      break;
    }
  }
  if (got === null) {
    // "No arena available without contention.  Wait for the next in line."
    got = r.order[0]!;
    yield* lock(got);
  }
  yield { k: 'arena', what: 'attach', name: got };
  return got;
}

/**
 * 2.7 arena_get (arena.c:107): trylock the thread's arena; failing that (or with none yet)
 * arena_get2 (arena.c:866) trylocks the others round the list and moves to the first it gets
 * (tsd_setspecific); if none, list_lock (blocking, then the whole list once more), then a new arena,
 * locked before it is linked, under list_lock.
 */
function* arenaGet27(tsd: string | null): G<string> {
  if (tsd && (yield* trylock(tsd)) === 0) return tsd;
  const list = (yield { k: 'arena', what: 'list' }) as string[];
  const from = (start: string): string[] => {
    const i = Math.max(0, list.indexOf(start));
    return [...list.slice(i), ...list.slice(0, i)];
  };
  // `a = a_tsd->next ... while (a != a_tsd)`: every arena but the thread's own; with none, from main_arena.
  const first = tsd ? from(tsd).slice(1) : from(MAIN_ARENA_NAME);
  for (const a of first) {
    if ((yield* trylock(a)) === 0) {
      yield { k: 'arena_tsd', what: 'set', name: a };
      return a;
    }
  }
  if (((yield { k: 'trylock', m: MALLOC_LIST_LOCK }) as number) !== 0) {
    yield { k: 'lock', m: MALLOC_LIST_LOCK };
    for (const a of from(tsd ?? MAIN_ARENA_NAME)) {
      if ((yield* trylock(a)) === 0) {
        yield { k: 'unlock', m: MALLOC_LIST_LOCK };
        yield { k: 'arena_tsd', what: 'set', name: a };
        return a;
      }
    }
  }
  const name = (yield { k: 'arena', what: 'new' }) as string;
  yield* lock(name);
  yield { k: 'arena', what: 'link', name };
  yield { k: 'unlock', m: MALLOC_LIST_LOCK };
  return name;
}

export function* malloc(n: number): G<number> {
  yield { k: 'enter', fn: 'malloc' };
  const s = (yield { k: 'mstate' }) as MallocState;
  let p: number;
  if (s.libc === 'none') p = yield* heap('malloc', n);
  else if (s.libc === 'glibc-2.7') {
    if (s.arena === ATFORK_ARENA) {
      // malloc_atfork (arena.c:172): the forking thread, between its prepare and parent/child handlers,
      // allocates from main_arena without a lock ("We are the only thread that may allocate at all").
      p = yield* heap('malloc', n, MAIN_ARENA_NAME);
    } else {
      const a = yield* arenaGet27(s.arena);
      p = yield* heap('malloc', n, a);
      yield* unlock(a);
    }
  } else {
    // 2.36 __libc_malloc (malloc.c:3280). MAYBE_INIT_TCACHE first: tcache_init (malloc.c:3229) takes
    // arena_get, allocates the tcache and unlocks; the model keeps that hold of the arena for the
    // request itself when the request needs the same lock, instead of unlocking and re-taking it.
    let held: string | null = null;
    if (!s.tcache) {
      held = yield* arenaGet236(s.arena);
      yield { k: 'tcache', what: 'init', n: 0, arena: held };
    }
    const cached = (yield { k: 'tcache', what: 'get', n }) as string | null;
    if (cached !== null || s.single) {
      // tcache_get, or SINGLE_THREAD_P: _int_malloc (&main_arena) with no lock.
      if (held) yield* unlock(held);
      p = yield* heap('malloc', n, cached ?? MAIN_ARENA_NAME);
    } else {
      const a = held ?? (yield* arenaGet236(s.arena));
      p = yield* heap('malloc', n, a);
      yield* unlock(a);
    }
  }
  yield { k: 'leave', fn: 'malloc' };
  return p;
}

export function* free(ptr: number): G<void> {
  yield { k: 'enter', fn: 'free' };
  const s = (yield { k: 'mstate' }) as MallocState;
  const c = ptr === 0 ? null : ((yield { k: 'chunk', ptr }) as { arena: string; size: number } | null);
  if (s.libc === 'none' || c === null || c.size >= MMAP_THRESHOLD) {
    // free(0), a pointer malloc did not return, or munmap_chunk: no arena lock.
    yield* heap('free', ptr);
  } else if (s.libc === 'glibc-2.7') {
    // public_fREe (malloc.c:3583): the chunk's arena, locked (free_atfork: not by the forking thread).
    if (s.arena === ATFORK_ARENA) yield* heap('free', ptr);
    else {
      yield* lock(c.arena);
      yield* heap('free', ptr);
      yield* unlock(c.arena);
    }
  } else {
    // 2.36 __libc_free (malloc.c:3345): MAYBE_INIT_TCACHE, then _int_free (malloc.c:4416) on the
    // chunk's arena: into the tcache (up to 7 a bin), a fastbin (atomic), or under the arena's lock
    // unless SINGLE_THREAD_P.
    if (!s.tcache) {
      const a = yield* arenaGet236(s.arena);
      yield { k: 'tcache', what: 'init', n: 0, arena: a };
      yield* unlock(a);
    }
    const n = c.size - 8;
    const cached = (yield { k: 'tcache', what: 'put', n, arena: c.arena }) as string | null;
    if (cached !== null || c.size <= MAX_FAST || s.single) yield* heap('free', ptr);
    else {
      yield* lock(c.arena);
      yield* heap('free', ptr);
      yield* unlock(c.arena);
    }
  }
  yield { k: 'leave', fn: 'free' };
}

/**
 * mallopt (2.36 malloc.c:5446, 2.7 malloc.c:5667): main_arena's lock around the change. M_ARENA_MAX
 * (value > 0) sets mp_.arena_max, which arena_get2 reads while narenas_limit is still 0; glibc 2.7
 * has no M_ARENA_MAX (it ignores the parameter). Returns 1.
 */
export function* mallopt(param: number, value: number): G<number> {
  yield { k: 'enter', fn: 'mallopt' };
  const s = (yield { k: 'mstate' }) as MallocState;
  let r = 1;
  if (s.libc !== 'none') yield* lock(MAIN_ARENA_NAME);
  if (s.libc === 'glibc' && param === M_ARENA_MAX) r = (yield { k: 'arena', what: 'max', n: value }) as number;
  if (s.libc !== 'none') yield* unlock(MAIN_ARENA_NAME);
  yield { k: 'leave', fn: 'mallopt' };
  return r;
}

/**
 * The end of a thread pthread_create started (2.36 nptl/pthread_create.c:456 __libc_thread_freeres,
 * malloc/thread-freeres.c): __malloc_arena_thread_freeres (arena.c:998) first shuts the tcache down,
 * freeing it back to its arena (a 600-byte chunk, above the fastbins: the arena's lock), then detaches
 * the thread from its arena, which goes on the free list when no thread is attached. 2.7 has neither.
 */
export function* threadFreeres(): G<void> {
  const s = (yield { k: 'mstate' }) as MallocState;
  if (s.libc !== 'glibc' || !s.started) return;
  const a = (yield { k: 'tcache', what: 'shutdown', n: 0 }) as string | null;
  if (a !== null && !s.single) {
    yield* lock(a);
    yield* unlock(a);
  }
  if (s.arena !== null) yield { k: 'arena', what: 'detach' };
}

// (`for (const a of yield* ...)` is not used: QuickJS, which runs the library in the checker's
// sandbox, fails on it with "stack underflow".)
/** 2.36 __malloc_fork_lock_parent (arena.c:177): list_lock, then every arena from main_arena. */
export function* mallocForkLockParent(): G<void> {
  yield { k: 'lock', m: MALLOC_LIST_LOCK };
  const arenas = (yield { k: 'arena_list' }) as string[];
  for (const a of arenas) yield* lock(a);
}
/** 2.36 __malloc_fork_unlock_parent (arena.c:197). */
export function* mallocForkUnlockParent(): G<void> {
  const arenas = (yield { k: 'arena_list' }) as string[];
  for (const a of arenas) yield* unlock(a);
  yield { k: 'unlock', m: MALLOC_LIST_LOCK };
}
/**
 * 2.36 __malloc_fork_unlock_child (arena.c:213): every arena's lock re-initialised, every arena but the
 * thread's own on the free list, list_lock re-initialised.
 */
export function* mallocForkUnlockChild(): G<void> {
  yield { k: 'arena_child' };
  const arenas = (yield { k: 'arena_list' }) as string[];
  for (const a of arenas) yield { k: 'reset', m: arenaLock(a) };
  yield { k: 'reset', m: MALLOC_LIST_LOCK };
}

/**
 * 2.7 ptmalloc_lock_all (arena.c:238), a prepare handler: if list_lock is taken and this thread's
 * tsd is already ATFORK_ARENA_PTR, this is the same thread's fork re-entered from a signal handler
 * (BZ #838): only count it. Otherwise list_lock, every arena, and the malloc_atfork hooks.
 */
export function* ptmalloc_lock_all(): G<void> {
  if (((yield { k: 'trylock', m: MALLOC_LIST_LOCK }) as number) !== 0) {
    const s = (yield { k: 'mstate' }) as MallocState;
    if (s.arena !== ATFORK_ARENA) {
      yield { k: 'lock', m: MALLOC_LIST_LOCK };
      yield* lockAll27();
    }
  } else yield* lockAll27();
  yield { k: 'atfork_cntr', d: 1 };
}
function* lockAll27(): G<void> {
  const arenas = (yield { k: 'arena_list' }) as string[];
  for (const a of arenas) yield* lock(a);
  yield { k: 'arena_tsd', what: 'save' };
}
/** 2.7 ptmalloc_unlock_all (arena.c:273), the parent handler: only the outermost fork unlocks. */
export function* ptmalloc_unlock_all(): G<void> {
  if (((yield { k: 'atfork_cntr', d: -1 }) as number) !== 0) return;
  yield { k: 'arena_tsd', what: 'restore' };
  const arenas = (yield { k: 'arena_list' }) as string[];
  for (const a of arenas) yield* unlock(a);
  yield { k: 'unlock', m: MALLOC_LIST_LOCK };
}
// "In NPTL, unlocking a mutex in the child process after a fork() is currently unsafe, whereas
// re-initializing it is safe and does not leak resources." (2.7 arena.c:294, ptmalloc_unlock_all2)
export function* ptmalloc_unlock_all2(): G<void> {
  yield { k: 'arena_tsd', what: 'restore' };
  const arenas = (yield { k: 'arena_list' }) as string[];
  for (const a of arenas) yield { k: 'reset', m: arenaLock(a) };
  yield { k: 'reset', m: MALLOC_LIST_LOCK };
  yield { k: 'atfork_cntr', d: 0 };
}
