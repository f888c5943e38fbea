// forklore: libc=glibc expect=ok
// Solution: the child's thread does not own the recursive lock,
// so it cannot unlock it; it re-initialises it instead.
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
  if (pid == 0) {
    // a fresh, unlocked mutex
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&libc_lock, &attr);
  } else {
    // the parent's thread is the owner: this works
    pthread_mutex_unlock(&libc_lock);
  }
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
