// forklore: libc=none expect=ok
// Chapter 6, fixed: the child handler re-initialises the mutex
// instead of unlocking it.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

// (libc=none: no C library locks are modelled, only the program's own mutex.)
static pthread_mutex_t state_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static int counter = 0;

static void prepare(void)
{
  pthread_mutex_lock(&state_lock);   // the forker owns it
}
static void parent(void)
{
  pthread_mutex_unlock(&state_lock); // same thread: 0
}
static void child(void)
{
  pthread_mutex_init(&state_lock, NULL);   // fresh, no owner
}

static void *bump(void *arg)
{
  (void) arg;
  int r = pthread_mutex_lock(&state_lock);
  assert(r == 0 && "the lock was granted");
  counter = counter + 1;
  pthread_mutex_unlock(&state_lock);
  return NULL;
}

int main(void)
{
  pthread_atfork(prepare, parent, child);
  pthread_t t;
  pthread_create(&t, NULL, bump, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    bump(NULL);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child bumped it");
  pthread_join(t, NULL);
  return 0;
}
