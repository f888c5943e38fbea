// forklore: libc=glibc expect=ok
// printf in the child of a multi-threaded process while another thread prints, libc 'glibc':
// glibc's fork() takes the stdio locks before the copy and re-initialises them in the child.
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
