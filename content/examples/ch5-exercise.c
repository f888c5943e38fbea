// forklore: libc=glibc expect=deadlock also=unsafe-call
// Chapter 5, exercise: a signal handler prints with printf,
// which is not async-signal-safe.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_usr1(int sig)
{
  (void) sig;
  // The thread it interrupts may be inside printf.
  printf("got SIGUSR1\n");
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
