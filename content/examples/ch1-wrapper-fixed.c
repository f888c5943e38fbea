// forklore: libc=glibc plash expect=ok
// Plash's fork() wrapper as fixed in revision 815: the lock
// is held across kernel_fork().
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
  // taken first, and held until after the fork
  pthread_mutex_lock(&libc_lock);
  int fd = clone_connection();
  // kernel_fork(): no other thread can hold the lock now
  pid_t pid = _Fork();
  if (pid == 0) {
    dup2(fd, 3);                   // the child's own connection
    close(fd);
    // plash_libc_lock_reinitialize(): this thread is not the
    // owner, so an unlock would fail
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&libc_lock, &attr);
    return 0;
  }
  close(fd);
  // in the parent, this thread is the owner
  pthread_mutex_unlock(&libc_lock);
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
