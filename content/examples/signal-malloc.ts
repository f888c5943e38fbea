// A signal handler that calls malloc while its own thread is inside malloc. The process has a second
// thread, so malloc really takes the arena lock: the handler waits for a lock its own thread holds.
import { pthread_create, pthread_join, pthread_kill, pthread_self, sigaction, SIGUSR1, malloc, free } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'deadlock', also: ['unsafe-call'] };

function* on_usr1() {
  const p = yield* malloc(16); // not async-signal-safe
  yield* free(p);
}

function* sender(target: number) {
  yield* pthread_kill(target, SIGUSR1);
}

export default function* main() {
  yield* sigaction(SIGUSR1, on_usr1);
  const me = yield* pthread_self();
  const t = yield* pthread_create(sender, me);
  const p = yield* malloc(100);
  yield* free(p);
  yield* pthread_join(t);
  return 0;
}
