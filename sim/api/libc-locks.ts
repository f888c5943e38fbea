// glibc's internal locks, as static descriptors that live in every process's memory like user mutexes.
import type { MutexHandle } from './ops.ts';

const lll = (name: string): MutexHandle => ({ handle: 'mutex', name, type: 'lll', internal: true });
const rec = (name: string): MutexHandle => ({ handle: 'mutex', name, type: 'recursive', internal: true });
/** libio's _IO_lock_t: recursive, owned by a TCB address (see MutexHandle.io). */
const io = (name: string): MutexHandle => ({ handle: 'mutex', name, type: 'recursive', internal: true, io: true });

/** malloc's arenas: main_arena, then arena_1, arena_2, ... in order of creation (sim/api/malloc.ts). */
export const MAIN_ARENA_NAME = 'main_arena';
/** An arena's mutex. */
export const arenaLock = (name: string): MutexHandle => lll(name);
export const MAIN_ARENA = arenaLock(MAIN_ARENA_NAME);
/** glibc 2.7's ATFORK_ARENA_PTR: the forking thread's arena tsd while ptmalloc_lock_all holds every arena. */
export const ATFORK_ARENA = '(ATFORK_ARENA_PTR)';
/** malloc's list_lock, taken with the arenas around fork. */
export const MALLOC_LIST_LOCK = lll('malloc_list_lock');
/** libio's list_all_lock, taken by _IO_list_lock(), fflush(NULL) and fork. */
export const IO_LIST_LOCK = io('_IO_list_all_lock');
/** The FILE locks (_IO_lock_t: recursive, owner is the TCB address). */
export const STDIN_LOCK = io('stdin_lock');
export const STDOUT_LOCK = io('stdout_lock');
export const STDERR_LOCK = io('stderr_lock');
export const FILE_LOCKS: readonly MutexHandle[] = [STDIN_LOCK, STDOUT_LOCK, STDERR_LOCK];
/** The dynamic loader's lock (recursive), taken by dlopen. */
export const DL_LOAD_LOCK = rec('dl_load_lock');
