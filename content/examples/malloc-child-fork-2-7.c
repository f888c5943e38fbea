// forklore: libc=glibc-2.7 expect=ok
// forklore-real: skip needs glibc 2.7's fork (this machine has glibc 2.36)
// malloc in the child of a multi-threaded process while another thread allocates, libc 'glibc-2.7':
// glibc 2.7's malloc registered ordinary atfork handlers: lock all arenas, re-initialise them in the child.
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
  pid_t pid = fork();
  if (pid == 0) {
    void *p = malloc(32);
    (void) p;                    // the child exits without freeing it
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
