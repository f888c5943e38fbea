// forklore: libc=glibc expect=deadlock
// A program's own mutex, held by a worker thread at the moment
// main forks: the child hangs.
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries = 0;

static void *worker(void *arg)
{
  (void) arg;
  pthread_mutex_lock(&table_lock);
  entries = entries + 1;
  pthread_mutex_unlock(&table_lock);
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&table_lock);  // held at the fork?
    int n = entries;
    pthread_mutex_unlock(&table_lock);
    _exit(10 + n);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) >= 10 && "the child read the table");
  pthread_join(t, NULL);
  return 0;
}
