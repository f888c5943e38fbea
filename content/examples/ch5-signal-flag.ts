// Chapter 5: a safe handler only sets a flag; the work it
// stands for happens outside it, in ordinary context.
import { pthread_create, pthread_join, pthread_self,
  pthread_kill, sigaction, SIGALRM, malloc, free, cell, load,
  store, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const handled = cell('handled', 0); // volatile sig_atomic_t

function* on_alarm() {
  yield* store(handled, 1); // one store: async-signal-safe
}

function* alarm_clock(target: number) {
  yield* pthread_kill(target, SIGALRM);
}

export default function* main() {
  yield* sigaction(SIGALRM, on_alarm);
  const me = yield* pthread_self();
  const t = yield* pthread_create(alarm_clock, me);
  const p = yield* malloc(100);
  yield* free(p);
  yield* pthread_join(t);
  if ((yield* load(handled)) === 1) {
    const q = yield* malloc(16); // the handler's work, here
    assert(q !== 0, 'the deferred work got its memory');
    yield* free(q);
  }
  return 0;
}
