// exit() as libc runs it: glibc's _IO_cleanup (the list lock, FILE locks only tried), then exit_group. The world runs it
// when main returns (as C's crt does), so it lives apart from the reader-facing library that
// re-exports it, together with the small helpers every library call yields through.
import type { G } from './op.ts';
import { IO_LIST_LOCK, STDIN_LOCK } from './libc-locks.ts';
import { flushAllFiles, stdFlushAll, unbufferAll } from './stdio.ts';

export { enter, leave, op, type G } from './op.ts';

/** fflush(NULL): the list lock, then each FILE lock in turn, the streams fopen made writing out their buffers. */
export function* fflushAll(): G<void> {
  const libc = (yield { k: 'libc' }) as string;
  if (libc === 'none') return yield* flushAllFiles(false);
  yield { k: 'lock', m: IO_LIST_LOCK };
  yield* flushAllFiles(true);
  // Then _IO_list_all's first three, as libio/stdfiles.c chains them: stderr, stdout, stdin.
  yield* stdFlushAll('stderr', true);
  yield* stdFlushAll('stdout', true);
  yield { k: 'lock', m: STDIN_LOCK };
  yield { k: 'unlock', m: STDIN_LOCK };
  yield { k: 'unlock', m: IO_LIST_LOCK };
}

/**
 * _IO_cleanup, which exit() runs (libio/genops.c, glibc 2.36): "We do *not* want locking. Some threads
 * might use streams but that is their problem, we flush them underneath them." _IO_flush_all_lockp(0)
 * takes the list lock but no FILE lock; _IO_unbuffer_all (sim/api/stdio.ts unbufferAll) takes the list
 * lock again and tries each used, buffered stream's lock at most twice, carrying on without it, and
 * unbuffers it. glibc 2.7's _IO_cleanup takes no list lock (_IO_flush_all_lockp(0) skips it) and its
 * _IO_unbuffer_write tries only writable streams. stderr is unbuffered, so neither touches it; stdin
 * is read-only, so only 2.36 tries it.
 */
function* ioCleanup(libc: string): G<void> {
  const modern = libc === 'glibc';
  // _IO_flush_all_lockp (0): the streams fopen made write out what their buffers hold.
  if (modern) yield { k: 'lock', m: IO_LIST_LOCK };
  yield* flushAllFiles(false);
  yield* stdFlushAll('stderr', false);
  yield* stdFlushAll('stdout', false);
  if (modern) {
    yield { k: 'unlock', m: IO_LIST_LOCK };
    yield { k: 'lock', m: IO_LIST_LOCK };
  }
  yield* unbufferAll(modern);
  if (modern) yield { k: 'unlock', m: IO_LIST_LOCK };
}

/** exit(): stdio cleanup as glibc's _IO_cleanup does it (no blocking FILE lock), then exit_group. */
export function* exit(status = 0): G<never> {
  yield { k: 'enter', fn: 'exit' };
  const libc = (yield { k: 'libc' }) as string;
  if (libc !== 'none') yield* ioCleanup(libc);
  else yield* flushAllFiles(false);
  yield { k: 'exit_group', status, how: 'exit' };
  throw new Error('exit returned');
}
