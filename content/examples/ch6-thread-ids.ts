// Chapter 6: thread ids across fork. The child's one thread has
// a new id, equal to the child's pid.
import { pthread_create, pthread_join, fork, gettid, getpid,
  getppid, _exit, waitpid, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* forker() {
  const before = yield* gettid();
  const parentPid = yield* getpid();
  assert(before !== parentPid, 'a second thread: its own id');
  const pid = yield* fork();
  if (pid === 0) {
    const tid = yield* gettid();
    assert(tid !== before, 'the copy of the forker: a new id');
    assert(tid === (yield* getpid()), 'the main thread');
    assert((yield* getppid()) === parentPid, 'the parent');
    yield* _exit(0);
  }
  yield* waitpid(pid);
}

export default function* main() {
  const t = yield* pthread_create(forker);
  yield* pthread_join(t);
  return 0;
}
