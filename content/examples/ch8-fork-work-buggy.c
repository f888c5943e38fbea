// forklore: libc=glibc expect=deadlock
// Chapter 8, buggy: the child of a threaded server does real
// work before it ever calls exec.
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static int level = 1;

static void *reloader(void *arg) // re-reads the configuration
{
  (void) arg;
  pthread_mutex_lock(&config_lock);
  level = 2;
  pthread_mutex_unlock(&config_lock);
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, reloader, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&config_lock); // held at the fork?
    int l = level;
    pthread_mutex_unlock(&config_lock);
    printf("job at level %d\n", l);
    _exit(l);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) >= 1 && "the job ran");
  pthread_join(t, NULL);
  return 0;
}
