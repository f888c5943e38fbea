// glibc's nptl/tst-fork1 (5 threads with arguments 7, 6, 5, 4, 3, as in glibc) run through Plash's fork() wrapper as of revision 743:
// the lock is released before kernel_fork(), so another thread can hold it when the child is copied.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock, clone_connection,
         _Fork, close, dup2, printf, nanosleep, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

export const options = { libc: 'glibc', plash: true };
export const expected = { verdict: 'deadlock', also: ['fd-leak'] };

// PlashGlibc's lock around every call to the server (libc-comms.c: a recursive mutex).
const libc_lock = mutex('libc_lock', { type: 'recursive' });

// Any intercepted call takes libc_lock first; printf's first fstat(1) is one.
function* plash_fstat() {
  yield* pthread_mutex_lock(libc_lock);
  yield* pthread_mutex_unlock(libc_lock);
}

// new_fork() in r743: clone_connection() locks and unlocks around its server call, then the fork.
function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);
  const fd = yield* clone_connection();
  yield* pthread_mutex_unlock(libc_lock);
  const pid = yield* _Fork(); // kernel_fork(): another thread may be inside clone_connection() now
  if (pid === 0) {
    yield* close(3);
    yield* dup2(fd, 3);
    yield* close(fd);
    return 0;
  }
  yield* close(fd);
  return pid;
}

function* thread_function(i: number) {
  const pid = yield* new_fork();
  if (pid === 0) {
    yield* plash_fstat();
    yield* printf(`${i}\n`);
    yield* nanosleep(100_000_000 * i);
    yield* _exit(i);
  }
  const { status } = yield* waitpid(pid);
  assert(WEXITSTATUS(status) === i, `wrong exit status ${WEXITSTATUS(status)} (expected ${i})`);
  return null;
}

export default function* main() {
  const t = [];
  for (const i of [7, 6, 5, 4, 3]) t.push(yield* pthread_create(thread_function, i));
  let result = 0;
  for (const tid of t) if ((yield* pthread_join(tid)) !== null) result = 1;
  return result;
}
