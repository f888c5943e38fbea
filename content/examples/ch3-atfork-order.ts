// glibc's tst-atfork1 as a puzzle: two sets of handlers change one number. What do parent and child see?
import { cell, load, store, pthread_atfork, fork, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

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
  const v = yield* load(val);
  if (pid === 0) {
    yield* _exit(v === 80 ? 0 : 1);           // prepare2, prepare1, then child1, child2
  }
  assert(v === 24, `the parent sees 24, not ${v}`);  // prepare2, prepare1, then parent1, parent2
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child saw 80');
}
