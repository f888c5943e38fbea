// Chapter 5, fixed: the handler forks with _Fork(), which takes no lock, and the child only calls _exit.
import { pthread_create, pthread_join, pthread_self, pthread_kill, sigaction, SIGALRM,
         malloc, free, _Fork, _exit } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* on_alarm() {
  const pid = yield* _Fork(); // async-signal-safe: no handlers, no locks taken or reset
  if (pid === 0) yield* _exit(0); // the child may hold copies of locked locks: touch none
}

function* alarm_clock(target: number) {
  const p = yield* malloc(8);
  yield* free(p);
  yield* pthread_kill(target, SIGALRM);
}

export default function* main() {
  yield* sigaction(SIGALRM, on_alarm);
  const me = yield* pthread_self();
  const t = yield* pthread_create(alarm_clock, me);
  const p = yield* malloc(100);
  yield* free(p);
  yield* pthread_join(t);
  return 0;
}
