// forklore: libc=glibc plash futex=blocking expect=ok
// forklore-real: runs=4 timeout-ms=3000
// glibc's nptl/tst-fork1 (5 threads with arguments 7, 6, 5, 4, 3, as in glibc) run through Plash's fork() wrapper as fixed in revision 815:
// the lock is held across kernel_fork(); the parent unlocks it, the child re-initialises it.
// futex=blocking: five threads contending through glibc's futex two-step give about 30,000
// schedules; 'blocking' waits for a lock held by a live thread without it (a lock fork left
// behind still hangs in FUTEX_WAIT), which reaches the same lock orders in 120.
// tst-fork1-r815-3 checks the exact protocol.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "forklore.h"

// PlashGlibc's lock around every call to the server (libc-comms.c: a recursive mutex).
static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

// Any intercepted call takes libc_lock first; printf's first fstat(1) is one.
static void plash_fstat(void)
{
  pthread_mutex_lock(&libc_lock);
  pthread_mutex_unlock(&libc_lock);
}

// new_fork() in r815: "Hold the lock across the kernel_fork() syscall and reinitialise the lock in
// the child process".
static pid_t new_fork(void)
{
  pthread_mutex_lock(&libc_lock);
  int fd = clone_connection();
  pid_t pid = _Fork();
  if (pid == 0) {
    close(3);
    dup2(fd, 3);
    close(fd);
    // plash_libc_lock_reinitialize(): the child's thread has a new tid, so unlocking would fail.
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&libc_lock, &attr);
    return 0;
  }
  close(fd);
  pthread_mutex_unlock(&libc_lock);
  return pid;
}

static void *thread_function(void *arg)
{
  int i = (intptr_t) arg;
  pid_t pid = new_fork();
  if (pid == 0) {
    plash_fstat();
    printf("%d\n", i);
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 * i };
    nanosleep(&ts, NULL);
    _exit(i);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == i && "wrong exit status (expected i)");
  return NULL;
}

static int do_test(void)
{
  static const int args[5] = { 7, 6, 5, 4, 3 };
  pthread_t t[5];
  for (int k = 0; k < 5; k++)
    pthread_create(&t[k], NULL, thread_function, (void *) (intptr_t) args[k]);
  int result = 0;
  for (int k = 0; k < 5; k++) {
    void *ret;
    pthread_join(t[k], &ret);
    if (ret != NULL)
      result = 1;
  }
  return result;
}

#include <support/test-driver.c>
