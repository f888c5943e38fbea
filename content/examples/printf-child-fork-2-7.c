// forklore: libc=glibc-2.7 expect=ok
// forklore-real: skip needs glibc 2.7's fork (this machine has glibc 2.36)
// printf in the child of a multi-threaded process while another thread prints, libc 'glibc-2.7':
// glibc 2.7's fork() took _IO_list_lock and reset every FILE lock in the child (fresetlockfiles).
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *chatter(void *arg)
{
  (void) arg;
  printf("working\n");
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, chatter, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    printf("hello from the child\n");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
