// forklore: libc=glibc expect=assertion
// The same atfork pattern on an error-checking mutex: the child handler's unlock fails with EPERM,
// because the owner recorded in the mutex is the parent's thread id, and the child's thread has a new one.
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

static void prepare(void) { pthread_mutex_lock(&m); }
static void parent(void) { pthread_mutex_unlock(&m); }
static void child(void)
{
  int r = pthread_mutex_unlock(&m);
  assert(r != EPERM && "unlocking the mutex in the child returned EPERM: it stays locked by the parent's thread");
}

static void *worker(void *arg)
{
  (void) arg;
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  return NULL;
}

int main(void)
{
  pthread_atfork(prepare, parent, child);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
