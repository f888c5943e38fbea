// forklore: libc=glibc plash expect=deadlock also=fd-leak
// forklore-real: runs=5 timeout-ms=2500
// glibc's nptl/tst-fork1 (3 threads, cut down from five so that the check is quick) run through Plash's fork() wrapper as of revision 743:
// the lock is released before kernel_fork(), so another thread can hold it when the child is copied.
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

// new_fork() in r743: clone_connection() locks and unlocks around its server call, then the fork.
static pid_t new_fork(void)
{
  pthread_mutex_lock(&libc_lock);
  int fd = clone_connection();
  pthread_mutex_unlock(&libc_lock);
  pid_t pid = _Fork(); // kernel_fork(): another thread may be inside clone_connection() now
  if (pid == 0) {
    close(3);
    dup2(fd, 3);
    close(fd);
    return 0;
  }
  close(fd);
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
  static const int args[3] = { 7, 6, 5 };
  pthread_t t[3];
  for (int k = 0; k < 3; k++)
    pthread_create(&t[k], NULL, thread_function, (void *) (intptr_t) args[k]);
  int result = 0;
  for (int k = 0; k < 3; k++) {
    void *ret;
    pthread_join(t[k], &ret);
    if (ret != NULL)
      result = 1;
  }
  return result;
}

#include <support/test-driver.c>
