// forklore: libc=glibc plash expect=fd-leak
// Revision 743's wrapper with two forking threads whose
// children never take the lock: no hang, but a leak.
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include "forklore.h"

static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static pid_t new_fork(void)
{
  pthread_mutex_lock(&libc_lock);
  int fd = clone_connection();     // for this child only
  pthread_mutex_unlock(&libc_lock);
  // any fd another thread has just made is copied too
  pid_t pid = _Fork();
  if (pid == 0) {
    dup2(fd, 3);
  }
  close(fd);
  return pid;
}

static void *thread(void *arg)
{
  (void) arg;
  pid_t pid = new_fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  return NULL;
}

int main(void)
{
  pthread_t a, b;
  pthread_create(&a, NULL, thread, NULL);
  pthread_create(&b, NULL, thread, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return 0;
}
