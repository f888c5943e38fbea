// Chapter 6: thread ids across fork; the child's only thread has a new id, equal to its pid.
import { pthread_create, pthread_join, fork, gettid, getpid, getppid, _exit, waitpid,
         assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

function* forker() {
  const before = yield* gettid();            // not the main thread: tid differs from pid
  const parentPid = yield* getpid();
  assert(before !== parentPid, 'a second thread has its own id');
  const pid = yield* fork();
  if (pid === 0) {
    const tid = yield* gettid();
    assert(tid !== before, 'the copy of the forking thread has a new id');
    assert(tid === (yield* getpid()), 'and it is the main thread of the child');
    assert((yield* getppid()) === parentPid, 'whose parent is the forking process');
    yield* _exit(0);
  }
  yield* waitpid(pid);
}

export default function* main() {
  const t = yield* pthread_create(forker);
  yield* pthread_join(t);
  return 0;
}
