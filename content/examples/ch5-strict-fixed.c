// forklore: libc=glibc strict expect=ok
// Chapter 5, fixed: the child makes only async-signal-safe
// calls (write, _exit) before it ends.
#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

// strict: report every call in the child that POSIX does not
// promise to work there.

static void *allocator(void *arg)
{
  (void) arg;
  void *p = malloc(64);
  free(p);
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, allocator, NULL);
  const char line[] = "child: ready\n";  // prepared before the fork
  pid_t pid = fork();
  if (pid == 0) {
    ssize_t n = write(1, line, sizeof line - 1); // a system call
    assert(n == sizeof line - 1 && "the child wrote its line");
    _exit(3);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 3 && "the child reported ready");
  pthread_join(t, NULL);
  return 0;
}
