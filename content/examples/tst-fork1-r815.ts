// glibc's nptl/tst-fork1 (5 threads with arguments 7, 6, 5, 4, 3, as in glibc) run through Plash's fork() wrapper as fixed in revision 815:
// the lock is held across kernel_fork(); the parent unlocks it, the child re-initialises it.
import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock, pthread_mutex_init,
         clone_connection, _Fork, close, dup2, printf, nanosleep, _exit, waitpid, WEXITSTATUS, assert } from 'forklore';

// Five threads contending through glibc's futex two-step give about 30,000 schedules; 'blocking'
// waits for a lock held by a live thread without it (a lock fork left behind still hangs in
// FUTEX_WAIT), which reaches the same lock orders in 120. tst-fork1-r815-3 checks the exact protocol.
export const options = { libc: 'glibc', plash: true, futex: 'blocking' };
export const expected = { verdict: 'ok' };

// PlashGlibc's lock around every call to the server (libc-comms.c: a recursive mutex).
const libc_lock = mutex('libc_lock', { type: 'recursive' });

// Any intercepted call takes libc_lock first; printf's first fstat(1) is one.
function* plash_fstat() {
  yield* pthread_mutex_lock(libc_lock);
  yield* pthread_mutex_unlock(libc_lock);
}

// new_fork() in r815: "Hold the lock across the kernel_fork() syscall and reinitialise the lock in
// the child process".
function* new_fork() {
  yield* pthread_mutex_lock(libc_lock);
  const fd = yield* clone_connection();
  const pid = yield* _Fork();
  if (pid === 0) {
    yield* close(3);
    yield* dup2(fd, 3);
    yield* close(fd);
    // plash_libc_lock_reinitialize(): the child's thread has a new tid, so unlocking would fail.
    yield* pthread_mutex_init(libc_lock, { type: 'recursive' });
    return 0;
  }
  yield* close(fd);
  yield* pthread_mutex_unlock(libc_lock);
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
