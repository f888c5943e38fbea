// forklore: libc=glibc expect=ok
// One solution, the shape of Android's ZygoteHooks: preFork() stops the daemons and waits until the
// process has one thread (Android polls /proc/self/task; here, pthread_join), fork copies a process
// in which no thread can hold heap_lock, and postForkCommon() starts the daemons again on both sides.
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

static void pre_fork(pthread_t daemon) // Daemons.stop(); waitUntilAllThreadsStopped()
{
  stop = 1;
  pthread_join(daemon, NULL);
  stop = 0;
}

static pthread_t post_fork_common(void) // Daemons.start(), in the parent and in the child
{
  pthread_t t;
  pthread_create(&t, NULL, heap_daemon, NULL);
  return t;
}

int main(void)
{
  pthread_t first;
  pthread_create(&first, NULL, heap_daemon, NULL);
  pre_fork(first);
  pid_t pid = fork(); // a request for a new app
  pthread_t daemon = post_fork_common();
  if (pid == 0) {
    int code = app();
    pthread_join(daemon, NULL);
    _exit(code);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 9 && "the app started and allocated");
  pthread_join(daemon, NULL);
  return 0;
}
