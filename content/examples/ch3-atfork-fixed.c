// forklore: libc=glibc expect=ok
// The lock-in-prepare pattern: no thread holds the mutex while
// fork copies memory.
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static int entries = 0;

// wait until no other thread is inside
static void prepare(void) { pthread_mutex_lock(&table_lock); }
// the owner unlocks
static void parent(void) { pthread_mutex_unlock(&table_lock); }
// the owner is not here: start afresh
static void child(void) { pthread_mutex_init(&table_lock, NULL); }

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
  pthread_atfork(prepare, parent, child);
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
