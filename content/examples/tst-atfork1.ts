// glibc's tst-atfork1: two sets of handlers. Prepare handlers run in reverse order of registration
// (++val, then val *= 2), parent and child handlers in order: the parent must see 24, the child 80.
import { pthread_atfork, cell, load, store, fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc' };
export const expected = { verdict: 'ok' };

const val = cell('val', 0);

function* prepare1() { yield* store(val, (yield* load(val)) * 2); }
function* prepare2() { yield* store(val, (yield* load(val)) + 1); }
function* parent1() { yield* store(val, (yield* load(val)) + 4); }
function* parent2() { yield* store(val, (yield* load(val)) * 4); }
function* child1() { yield* store(val, (yield* load(val)) + 8); }
function* child2() { yield* store(val, (yield* load(val)) * 8); }

export default function* main() {
  yield* pthread_atfork(prepare1, parent1, child1);
  yield* pthread_atfork(prepare2, parent2, child2);
  const pid = yield* fork();
  if (pid === 0) {
    const v = yield* load(val);
    yield* _exit(v === 80 ? 0 : 1);
  }
  assert((yield* load(val)) === 24, 'the parent sees 24');
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child sees 80');
  return 0;
}
