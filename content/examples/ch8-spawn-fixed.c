// forklore: libc=glibc expect=ok
// Chapter 8, fixed: read what the child needs before the fork;
// the child only calls exec (posix_spawn's shape).
// The job is this same program run again (/proc/self/exe) with argv[1] "job", so that the
// program is one file that runs as it is on Linux, with no job installed anywhere else.
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int job(int l)
{
  printf("job at level %d\n", l);
  return l;
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "job") == 0)
    return job(atoi(argv[2]));
  pthread_t t;
  pthread_create(&t, NULL, reloader, NULL);
  pthread_mutex_lock(&config_lock); // in the parent
  int l = level;
  pthread_mutex_unlock(&config_lock);
  char arg[16];
  snprintf(arg, sizeof arg, "%d", l);
  pid_t pid = fork();
  if (pid == 0) {
    // Nothing between fork and exec; l travels as argv.
    execl("/proc/self/exe", argv[0], "job", arg, (char *) NULL);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == l && "the job ran at level l");
  pthread_join(t, NULL);
  return 0;
}
