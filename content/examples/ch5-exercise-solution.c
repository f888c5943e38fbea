// forklore: libc=glibc expect=ok
// Chapter 5, exercise solution: the handler writes its line
// with write(), a plain system call.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_usr1(int sig)
{
  (void) sig;
  // Straight to fd 1: no buffer, no lock.
  ssize_t n = write(1, "got SIGUSR1\n", 12);
  assert(n == 12 && "the handler wrote its whole line");
}

static void *notifier(void *arg)
{
  pthread_kill(*(pthread_t *) arg, SIGUSR1);
  return NULL;
}

int main(void)
{
  struct sigaction sa = { .sa_handler = on_usr1 };
  sigaction(SIGUSR1, &sa, NULL);
  pthread_t me = pthread_self();
  pthread_t t;
  pthread_create(&t, NULL, notifier, &me);
  printf("main: working\n");
  pthread_join(t, NULL);
  return 0;
}
