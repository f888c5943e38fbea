// forklore: libc=glibc expect=ok
// Chapter 5: a safe handler only sets a flag; the work it
// stands for happens outside it, in ordinary context.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t handled = 0;

static void on_alarm(int sig)
{
  (void) sig;
  handled = 1; // one store: async-signal-safe
}

static void *alarm_clock(void *arg)
{
  pthread_kill(*(pthread_t *) arg, SIGALRM);
  return NULL;
}

int main(void)
{
  struct sigaction sa = { .sa_handler = on_alarm };
  sigaction(SIGALRM, &sa, NULL);
  pthread_t me = pthread_self();
  pthread_t t;
  pthread_create(&t, NULL, alarm_clock, &me);
  void *p = malloc(100);
  free(p);
  pthread_join(t, NULL);
  if (handled == 1) {
    void *q = malloc(16); // the handler's work, here
    assert(q != NULL && "the deferred work got its memory");
    free(q);
  }
  return 0;
}
