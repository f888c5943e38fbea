// forklore: libc=glibc plash expect=deadlock
// Plash's fork() wrapper as of revision 743, cut down: one
// thread forks while another is inside the library.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include "forklore.h"

// PlashGlibc's one lock, around every call to the server.
static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

// Any PlashGlibc call, open() for instance.
static void *plash_call(void *arg)
{
  (void) arg;
  pthread_mutex_lock(&libc_lock);
  write(3, "Call", 4);             // a request to the server
  pthread_mutex_unlock(&libc_lock);
  return NULL;
}

static pid_t new_fork(void)
{
  // clone_connection(): a fresh connection for the child
  pthread_mutex_lock(&libc_lock);
  int fd = clone_connection();
  pthread_mutex_unlock(&libc_lock);
  // kernel_fork(): another thread may hold the lock now
  pid_t pid = _Fork();
  if (pid == 0) {
    dup2(fd, 3);                   // the child's own connection
  }
  close(fd);
  return pid;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, plash_call, NULL);
  pid_t pid = new_fork();
  if (pid == 0) {
    plash_call(NULL);              // the child uses the library
    _exit(7);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 7 && "the child made its call");
  pthread_join(t, NULL);
  return 0;
}
