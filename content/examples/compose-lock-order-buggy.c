// forklore: libc=none expect=deadlock
// Two libraries, each with chapter 3's lock-in-prepare handlers, registered in the order their
// initialisers happened to run. fork() runs prepare handlers last to first, so it takes B's lock
// and then A's, while a thread inside library A calls into library B: A's lock, then B's.
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

// Library A, a logger, and library B, the stream it writes to.
static pthread_mutex_t liba_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t libb_lock = PTHREAD_MUTEX_INITIALIZER;

static void b_write(void)
{
  pthread_mutex_lock(&libb_lock);
  pthread_mutex_unlock(&libb_lock);
}

static void a_log(void)
{
  pthread_mutex_lock(&liba_lock);
  b_write(); // A calls B while holding its own lock
  pthread_mutex_unlock(&liba_lock);
}

// Each library's fork handlers, correct on their own.
static void a_prepare(void) { pthread_mutex_lock(&liba_lock); }
static void a_parent(void) { pthread_mutex_unlock(&liba_lock); }
static void a_child(void) { pthread_mutex_init(&liba_lock, NULL); }
static void b_prepare(void) { pthread_mutex_lock(&libb_lock); }
static void b_parent(void) { pthread_mutex_unlock(&libb_lock); }
static void b_child(void) { pthread_mutex_init(&libb_lock, NULL); }

static void *logger(void *arg)
{
  (void) arg;
  a_log();
  return NULL;
}

int main(void)
{
  // A's initialiser ran first, then B's: fork will run b_prepare, then a_prepare.
  pthread_atfork(a_prepare, a_parent, a_child);
  pthread_atfork(b_prepare, b_parent, b_child);
  pthread_t t;
  pthread_create(&t, NULL, logger, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    a_log(); // the child logs too
    _exit(5);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 5 && "the child logged and exited");
  pthread_join(t, NULL);
  return 0;
}
