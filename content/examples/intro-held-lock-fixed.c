// forklore: libc=none expect=ok
// The landing page's program, repaired: atfork handlers make
// sure nobody holds the lock while fork copies memory.
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

static void prepare(void) { pthread_mutex_lock(&lock); }
static void parent(void) { pthread_mutex_unlock(&lock); }
static void child(void) { pthread_mutex_init(&lock, NULL); }

int main(void)
{
  pthread_atfork(prepare, parent, child);
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
