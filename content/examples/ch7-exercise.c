// forklore: libc=glibc expect=deadlock
// Chapter 7, exercise: the child reads statistics that another
// thread updates in two steps under a lock.
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static int requests = 0;
static int bytes = 0; // always 100 * requests

static void *serve(void *arg)
{
  (void) arg;
  for (int i = 0; i < 3; i++) {
    pthread_mutex_lock(&stats_lock);
    requests = requests + 1;
    bytes = bytes + 100;
    pthread_mutex_unlock(&stats_lock);
  }
  return NULL;
}

static void report(void)
{
  pthread_mutex_lock(&stats_lock);
  int r = requests;
  int b = bytes;
  pthread_mutex_unlock(&stats_lock);
  assert(b == 100 * r && "the statistics are consistent");
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, serve, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    report();
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child reported");
  pthread_join(t, NULL);
  return 0;
}
