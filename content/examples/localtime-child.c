// forklore: libc=glibc expect=deadlock
// glibc's fork() takes and resets malloc's and stdio's locks, but not the lock localtime() takes:
// tzset_lock in time/tzset.c, which posix/fork.c never mentions. The simulator's libc model has no
// time-zone lock, so this program declares one that stands for it (and a localtime that takes it).
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
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
  pid_t pid = fork(); // glibc's fork: malloc and stdio are safe in the child
  if (pid == 0) {
    const char *now = localtime_now(); // this lock was not reset
    printf("child started at %s\n", now);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child reported its start");
  pthread_join(t, NULL);
  return 0;
}
