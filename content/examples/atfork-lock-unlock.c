// forklore: libc=glibc expect=ok
// pthread_atfork's classic pattern on a default (normal) mutex: lock in prepare, unlock in parent and
// child. glibc's normal mutex unlocks whatever its owner, so the child can use the mutex afterwards.
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int counter = 0;

static void prepare(void) { pthread_mutex_lock(&m); }
static void parent(void) { pthread_mutex_unlock(&m); }
static void child(void) { pthread_mutex_unlock(&m); }

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
  pthread_atfork(prepare, parent, child);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&m); // free: the child handler unlocked it
    int n = counter;
    pthread_mutex_unlock(&m);
    _exit(n);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) <= 1 && "the child saw a whole update or none");
  pthread_join(t, NULL);
  return 0;
}
