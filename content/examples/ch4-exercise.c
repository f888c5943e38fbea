// forklore: libc=glibc expect=deadlock
// Exercise: the child of a raw fork reports on stdout while a
// logging thread may be printing.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *logger(void *arg)
{
  (void) arg;
  printf("tick\n");             // holds stdout's FILE lock
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, logger, NULL);
  pid_t pid = _Fork();
  if (pid == 0) {
    int n = printf("child ready\n");
    _exit(n == 12 ? 3 : 1);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 3 && "the child wrote its line");
  pthread_join(t, NULL);
  return 0;
}
