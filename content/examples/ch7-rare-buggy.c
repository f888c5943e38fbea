// forklore: libc=glibc expect=deadlock
// Chapter 7, buggy: the logger holds its lock for one step in
// thirty; fork rarely lands in that step.
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

int main(void)
{
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
