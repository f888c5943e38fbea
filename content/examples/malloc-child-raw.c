// forklore: libc=glibc expect=ok
// malloc in the child of a multi-threaded process while another thread allocates, libc 'glibc':
// raw _Fork() resets no lock, but glibc gives the other thread an arena of its own (arena_get2), so
// the lock it may hold is not main_arena, the forking thread's, from which the child allocates.
// Real glibc 2.36: 0 of 200 children hang; with M_ARENA_MAX=1 the threads share main_arena.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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
  pid_t pid = _Fork();
  if (pid == 0) {
    void *p = malloc(32);
    (void) p;                    // the child exits without freeing it
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
