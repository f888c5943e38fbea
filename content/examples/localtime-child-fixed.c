// forklore: libc=glibc expect=ok
// The same program with the time formatted in the parent, before the fork, where every lock
// works; the child only makes a system call, write, which takes no lock at all.
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

// __libc_lock_define_initialized (static, tzset_lock)
static pthread_mutex_t tzset_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *localtime_now(void) // tzset_internal() and the conversion, under tzset_lock
{
  pthread_mutex_lock(&tzset_lock);
  pthread_mutex_unlock(&tzset_lock);
  return "12:00:00";
}

static void *clock_thread(void *arg) // another thread formats a time stamp
{
  (void) arg;
  localtime_now();
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, clock_thread, NULL);
  const char *now = localtime_now(); // in the parent, before the fork
  char line[64];
  snprintf(line, sizeof line, "child started at %s\n", now);
  pid_t pid = fork();
  if (pid == 0) {
    write(1, line, strlen(line)); // a system call: no lock
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child reported its start");
  pthread_join(t, NULL);
  return 0;
}
