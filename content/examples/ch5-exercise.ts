// Chapter 5, exercise: a signal handler prints with printf,
// which is not async-signal-safe.
import { pthread_create, pthread_join, pthread_self,
  pthread_kill, sigaction, SIGUSR1, printf, write,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock', also: ['unsafe-call'] };

function* on_usr1() {
  // The thread it interrupts may be inside printf.
  yield* printf('got SIGUSR1\n');
}

function* notifier(target: number) {
  yield* pthread_kill(target, SIGUSR1);
}

export default function* main() {
  yield* sigaction(SIGUSR1, on_usr1);
  const me = yield* pthread_self();
  const t = yield* pthread_create(notifier, me);
  yield* printf('main: working\n');
  yield* pthread_join(t);
  return 0;
}
