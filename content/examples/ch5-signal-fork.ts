// Chapter 5, buggy: fork() in a signal handler while the
// interrupted thread holds malloc's lock (glibc bug 838).
import { pthread_create, pthread_join, pthread_self,
  pthread_kill, sigaction, SIGALRM, malloc, free, fork, _Fork,
  _exit } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock' };

function* on_alarm() {
  const pid = yield* fork(); // takes malloc's locks first
  if (pid === 0) yield* _exit(0);
}

function* alarm_clock(target: number) {
  yield* pthread_kill(target, SIGALRM);
}

export default function* main() {
  yield* sigaction(SIGALRM, on_alarm);
  const me = yield* pthread_self();
  const t = yield* pthread_create(alarm_clock, me);
  const p = yield* malloc(100); // the signal may come now
  yield* free(p);               // or now
  yield* pthread_join(t);
  return 0;
}
