// forklore: libc=glibc expect=deadlock
// A program mutex held by another thread at the moment of fork, then locked in the child: the holder
// was not copied, so nothing in the child can ever unlock it.
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int counter = 0;

static void *worker(void *arg)
{
  (void) arg;
  pthread_mutex_lock(&m);
  counter = counter + 1;
  pthread_mutex_unlock(&m);
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork(); // no atfork handler protects m
  if (pid == 0) {
    pthread_mutex_lock(&m);
    (void) counter;             // read under the lock
    pthread_mutex_unlock(&m);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
