// forklore: libc=glibc expect=deadlock
// A raw fork, with none of glibc's fork handling, while another thread
// frees a block of the main thread's arena: the child's malloc hangs.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void *releaser(void *arg)
{
  free(arg);                     // takes the lock of the block's arena
  return NULL;
}

int main(void)
{
  void *block = malloc(4096);    // from main's arena, main_arena
  pthread_t t;
  pthread_create(&t, NULL, releaser, block);
  pid_t pid = _Fork();  // copies the lock as it is
  if (pid == 0) {
    void *p = malloc(32);        // main_arena again
    free(p);
    _exit(5);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 5 && "the child allocated");
  pthread_join(t, NULL);
  return 0;
}
