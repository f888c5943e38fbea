// forklore: libc=glibc expect=ok
// Chapter 7, fixed: atfork handlers take the log lock before
// the fork and make it free again after.
// (log() is log_text() here: log is <math.h>'s logarithm in C.)
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *log_line = "";
static int work = 0;

static void log_text(const char *text)
{
  pthread_mutex_lock(&log_lock);
  log_line = text;
  pthread_mutex_unlock(&log_lock);
}

static void *logger(void *arg)
{
  (void) arg;
  // Long stretches of work without the lock.
  for (int i = 1; i <= 12; i++) work = i;
  log_text("logger: halfway");
  for (int i = 13; i <= 24; i++) work = i;
  return NULL;
}

static void prepare(void)
{
  pthread_mutex_lock(&log_lock); // no line half written
}
static void parent(void) { pthread_mutex_unlock(&log_lock); }
static void child(void) { pthread_mutex_init(&log_lock, NULL); }

int main(void)
{
  pthread_atfork(prepare, parent, child);
  pthread_t t;
  pthread_create(&t, NULL, logger, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    log_text("child: started"); // held at the fork?
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child logged");
  pthread_join(t, NULL);
  return 0;
}
