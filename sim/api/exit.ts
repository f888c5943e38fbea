// exit() as libc runs it: flush every stdio stream under its locks, then exit_group. The world runs it
// when main returns (as C's crt does), so it lives apart from the reader-facing library that
// re-exports it, together with the small helpers every library call yields through.
import type { Op } from './ops.ts';
import { FILE_LOCKS, IO_LIST_LOCK } from './libc-locks.ts';

export type G<T> = Generator<Op, T, unknown>;

export function* op<T>(o: Op): G<T> {
  return (yield o) as T;
}

export function* enter(fn: string): G<void> {
  yield { k: 'enter', fn };
}
export function* leave(fn: string): G<void> {
  yield { k: 'leave', fn };
}

/** fflush(NULL): the list lock, then each FILE lock in turn. */
export function* fflushAll(): G<void> {
  const libc = yield* op<string>({ k: 'libc' });
  if (libc === 'none') return;
  yield* op({ k: 'lock', m: IO_LIST_LOCK });
  for (const f of FILE_LOCKS) {
    yield* op({ k: 'lock', m: f });
    yield* op({ k: 'unlock', m: f });
  }
  yield* op({ k: 'unlock', m: IO_LIST_LOCK });
}

/** exit(): flushes stdio (list lock and every FILE lock), then exit_group. */
export function* exit(status = 0): G<never> {
  yield* enter('exit');
  yield* fflushAll();
  yield* op<void>({ k: 'exit_group', status, how: 'exit' });
  throw new Error('exit returned');
}
