// forklore: libc=glibc expect=deadlock
// A raw fork, with none of glibc's fork handling, while another
// thread is inside malloc: the child's malloc hangs.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void *allocator(void *arg)
{
  (void) arg;
  void *p = malloc(64);          // takes the arena's lock
  free(p);
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, allocator, NULL);
  pid_t pid = _Fork();  // copies the lock as it is
  if (pid == 0) {
    void *p = malloc(32);
    free(p);
    _exit(5);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 5 && "the child allocated");
  pthread_join(t, NULL);
  return 0;
}
