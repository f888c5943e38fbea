// forklore: libc=glibc expect=deadlock
// A zygote, after Android's: a runtime whose daemon thread works on the heap under heap_lock, and
// which forks a new app on request. The app's first allocation takes heap_lock. Make every schedule
// pass without giving up the daemon: the parent and the app must both have one running afterwards.
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static int stop = 0;

// HeapTaskDaemon, cut down: a few rounds of work, each under heap_lock, until asked to stop.
static void *heap_daemon(void *arg)
{
  (void) arg;
  for (int round = 0; round < 2; round++) {
    if (stop == 1)
      return NULL;
    pthread_mutex_lock(&heap_lock);
    pthread_mutex_unlock(&heap_lock);
  }
  return NULL;
}

static int app(void) // the new app's first allocation
{
  pthread_mutex_lock(&heap_lock);
  pthread_mutex_unlock(&heap_lock);
  return 9;
}

int main(void)
{
  pthread_t daemon;
  pthread_create(&daemon, NULL, heap_daemon, NULL);
  pid_t pid = fork(); // a request for a new app
  if (pid == 0) {
    pthread_t again;
    pthread_create(&again, NULL, heap_daemon, NULL);
    int code = app();
    pthread_join(again, NULL);
    _exit(code);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 9 && "the app started and allocated");
  pthread_join(daemon, NULL);
  return 0;
}
