// forklore: libc=glibc plash expect=ok
// Solution: the parent closes its copy of the connection before
// it lets other threads fork again.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include "forklore.h"

static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static pid_t new_fork(void)
{
  pthread_mutex_lock(&libc_lock);
  int fd = clone_connection();
  pid_t pid = _Fork();
  if (pid == 0) {
    dup2(fd, 3);
    close(fd);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&libc_lock, &attr);
    return 0;
  }
  close(fd);                        // first the fd...
  pthread_mutex_unlock(&libc_lock); // ...then the lock
  return pid;
}

static void *thread(void *arg)
{
  int i = (intptr_t) arg;
  pid_t pid = new_fork();
  if (pid == 0)
    _exit(i);
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == i && "the child ran");
  return NULL;
}

int main(void)
{
  pthread_t a, b;
  pthread_create(&a, NULL, thread, (void *) (intptr_t) 1);
  pthread_create(&b, NULL, thread, (void *) (intptr_t) 2);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return 0;
}
