// Chapter 5, exercise solution: the handler writes its line
// with write(), a plain system call.
import { pthread_create, pthread_join, pthread_self,
  pthread_kill, sigaction, SIGUSR1, printf, write,
  assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* on_usr1() {
  // Straight to fd 1: no buffer, no lock.
  const n = yield* write(1, 'got SIGUSR1\n');
  assert(n === 12, 'the handler wrote its whole line');
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
