// forklore: libc=glibc plash expect=ok
// Revision 815's wrapper: while one thread's new connection is
// open, no other thread can fork.
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include "forklore.h"

static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static pid_t new_fork(void)
{
  pthread_mutex_lock(&libc_lock);   // before the fd...
  int fd = clone_connection();     // for this child only
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
  close(fd);
  pthread_mutex_unlock(&libc_lock); // ...after it
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
