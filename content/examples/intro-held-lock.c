// forklore: libc=none expect=deadlock
// The landing page's program: a worker holds a lock at the
// moment main forks, and the child waits for it forever.
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

// (libc=none: no C library locks are modelled, only the program's own.)
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
  (void) arg;
  pthread_mutex_lock(&lock);
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork(); // all memory, but one thread
  if (pid == 0) {
    pthread_mutex_lock(&lock); // held by the worker?
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
