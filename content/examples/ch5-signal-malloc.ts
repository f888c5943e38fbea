// Chapter 5, buggy: a signal handler calls malloc while the thread it interrupted is inside malloc.
import { pthread_create, pthread_join, pthread_self, pthread_kill, sigaction, SIGALRM,
         malloc, free, cell, store } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock', also: ['unsafe-call'] };

const handled = cell('handled', 0);

function* on_alarm() {
  const p = yield* malloc(16); // not async-signal-safe: the arena lock may be ours already
  yield* free(p);
  yield* store(handled, 1);
}

function* alarm_clock(target: number) {
  const p = yield* malloc(8);           // a second thread: malloc now really locks
  yield* free(p);
  yield* pthread_kill(target, SIGALRM);
}

export default function* main() {
  yield* sigaction(SIGALRM, on_alarm);
  const me = yield* pthread_self();
  const t = yield* pthread_create(alarm_clock, me);
  const p = yield* malloc(100); // the handler may run between lock and unlock
  yield* free(p);
  yield* pthread_join(t);
  return 0;
}
