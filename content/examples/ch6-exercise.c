// forklore: libc=glibc expect=deadlock
// Chapter 6, exercise: a fork wrapper holds a recursive lock
// across _Fork() and unlocks it in both processes.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t libc_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void server_call(void)
{
  int r = pthread_mutex_lock(&libc_lock);
  assert(r == 0 && "the lock was granted");
  pthread_mutex_unlock(&libc_lock);
}

static pid_t my_fork(void)
{
  pthread_mutex_lock(&libc_lock); // nobody else holds it
  pid_t pid = _Fork();
  pthread_mutex_unlock(&libc_lock); // in both processes
  return pid;
}

static void *worker(void *arg)
{
  (void) arg;
  server_call();
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = my_fork();
  if (pid == 0) {
    server_call();
    _exit(5);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 5 && "the child made its call");
  pthread_join(t, NULL);
  return 0;
}
