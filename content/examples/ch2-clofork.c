// forklore: libc=glibc plash expect=assertion
// forklore-real: skip Linux has no FD_CLOFORK (POSIX.1-2024): F_SETFD ignores the bit, so the model's close-on-fork cannot happen here
// Close-on-fork instead of a lock: no other child inherits the
// connection, but neither does the child it was made for.
#define _GNU_SOURCE
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include "forklore.h"

static pid_t new_fork(void)
{
  int fd = clone_connection();
  // closed in every child from now on
  fcntl(fd, F_SETFD, FD_CLOFORK);
  pid_t pid = _Fork();
  if (pid == 0) {
    int r = dup2(fd, 3);
    if (r != 3)
      _exit(99);                   // no server connection
    close(fd);
    return 0;
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
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child has its fd");
  return NULL;
}

int main(void)
{
  pthread_t a;
  pthread_create(&a, NULL, thread, NULL);
  pthread_join(a, NULL);
  return 0;
}
