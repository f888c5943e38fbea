// forklore: libc=glibc plash expect=assertion
// forklore-real: runs=6 timeout-ms=2000
// tst-fork1 (two threads) through r815's wrapper, changed to unlock the recursive lock in the child
// instead of re-initialising it: the child's thread has a new tid, so glibc answers EPERM.
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "forklore.h"

// PlashGlibc's lock around every call to the server (libc-comms.c: a recursive mutex).
static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static pid_t new_fork(void)
{
  pthread_mutex_lock(&libc_lock);
  int fd = clone_connection();
  pid_t pid = _Fork();
  if (pid == 0) {
    close(3);
    dup2(fd, 3);
    close(fd);
    int r = pthread_mutex_unlock(&libc_lock); // owner is the parent's thread, not us
    assert(r != EPERM && "pthread_mutex_unlock in the child returned EPERM: the lock stays held by a thread that is not here");
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
  static const int args[2] = { 7, 6 };
  pthread_t t[2];
  for (int k = 0; k < 2; k++)
    pthread_create(&t[k], NULL, thread_function, (void *) (intptr_t) args[k]);
  int result = 0;
  for (int k = 0; k < 2; k++) {
    void *ret;
    pthread_join(t[k], &ret);
    if (ret != NULL)
      result = 1;
  }
  return result;
}

#include <support/test-driver.c>
