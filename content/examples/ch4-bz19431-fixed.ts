// The same three threads under today's glibc: fork takes the
// stdio list lock first and malloc's locks last.
import { pthread_create, pthread_join, fflush, getline, fork,
  _exit, waitpid } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

// the list lock, then each FILE's lock
function* flusher() { yield* fflush(null); }
// stdin's FILE lock, then malloc's arena lock
function* reader() { yield* getline('stdin'); }

function* forker() {
  // glibc 2.7: malloc's prepare handler, then the list lock
  // today: the list lock, then malloc's locks
  const pid = yield* fork();
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
