// forklore: libc=glibc strict expect=unsafe-call
// Chapter 5, buggy by POSIX's rule: the child of a threaded
// process calls malloc and printf before exec or _exit.
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
  pid_t pid = fork();
  if (pid == 0) {
    void *buf = malloc(32);        // glibc makes it work
    printf("child: ready\n");      // POSIX: not promised
    free(buf);
    _exit(3);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 3 && "the child reported ready");
  pthread_join(t, NULL);
  return 0;
}
