// The same three threads under today's glibc: fork takes malloc's locks last, after the stdio locks.
import { pthread_create, pthread_join, fflush, getline, fork, _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* flusher() { yield* fflush(null); }          // list lock, then each FILE's lock
function* reader() { yield* getline('stdin'); }       // stdin's FILE lock, then malloc's arena lock

function* forker() {
  const pid = yield* fork();                          // the list lock, then malloc's locks
  if (pid === 0) yield* _exit(0);
  yield* waitpid(pid);
}

export default function* main() {
  const a = yield* pthread_create(flusher);
  const b = yield* pthread_create(reader);
  const c = yield* pthread_create(forker);
  yield* pthread_join(a);
  yield* pthread_join(b);
  yield* pthread_join(c);
}
