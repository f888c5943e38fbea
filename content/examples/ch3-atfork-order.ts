// glibc's tst-atfork1 as a puzzle: two sets of fork handlers
// change one number. What do the parent and the child see?
import { cell, load, store, pthread_atfork, fork, _exit,
  waitpid, WEXITSTATUS, assert } from 'forklore';

export const expected = { verdict: 'ok' };

const val = cell('val', 0);
function* update(f: (v: number) => number) {
  yield* store(val, f(yield* load(val)));
}

function* prepare1() { yield* update((v) => v * 2); }
function* prepare2() { yield* update((v) => v + 1); }
function* parent1() { yield* update((v) => v + 4); }
function* parent2() { yield* update((v) => v * 4); }
function* child1() { yield* update((v) => v + 8); }
function* child2() { yield* update((v) => v * 8); }

export default function* main() {
  yield* pthread_atfork(prepare1, parent1, child1);
  yield* pthread_atfork(prepare2, parent2, child2);
  const pid = yield* fork();
  const v = yield* load(val);
  if (pid === 0) {
    yield* _exit(v === 80 ? 0 : 1);
  }
  assert(v === 24, `the parent sees 24, not ${v}`);
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === 0, 'the child sees 80');
}
