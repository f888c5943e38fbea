// forklore: libc=glibc expect=assertion
// Exercise: the child re-initialises the mutex, so it never
// hangs. But what does it find behind the lock?
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t account_lock = PTHREAD_MUTEX_INITIALIZER;
static int debit = 0;    // under account_lock: debit == credit
static int credit = 0;

static void child(void) { pthread_mutex_init(&account_lock, NULL); }

static void *transfer(void *arg)
{
  (void) arg;
  pthread_mutex_lock(&account_lock);
  debit = 100;
  credit = 100;
  pthread_mutex_unlock(&account_lock);
  return NULL;
}

int main(void)
{
  pthread_atfork(NULL, NULL, child);
  pthread_t t;
  pthread_create(&t, NULL, transfer, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&account_lock);
    int d = debit;
    int c = credit;
    pthread_mutex_unlock(&account_lock);
    assert(d == c && "the books balance in the child");
    _exit(42);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 42 && "the child checked");
  pthread_join(t, NULL);
  return 0;
}
