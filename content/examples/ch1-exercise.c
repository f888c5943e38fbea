// forklore: libc=glibc expect=deadlock
// Exercise: a fork wrapper holds its recursive lock across the
// fork, then unlocks it in the parent and in the child.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static pid_t my_fork(void)
{
  pthread_mutex_lock(&libc_lock);
  pid_t pid = _Fork();
  // in the parent and, it is hoped, in the child
  pthread_mutex_unlock(&libc_lock);
  return pid;
}

int main(void)
{
  pid_t pid = my_fork();
  if (pid == 0) {
    int r = pthread_mutex_lock(&libc_lock);
    assert(r == 0 && "the child can take the lock");
    pthread_mutex_unlock(&libc_lock);
    _exit(7);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 7 && "the child used the lock");
  return 0;
}
