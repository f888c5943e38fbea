// forklore: libc=glibc expect=deadlock also=unsafe-call
// A signal handler that calls malloc while its own thread is inside malloc. The process has a second
// thread, so malloc really takes the arena lock: the handler waits for a lock its own thread holds.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void on_usr1(int sig)
{
  (void) sig;
  void *p = malloc(16); // not async-signal-safe
  free(p);
}

static void *sender(void *arg)
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
  pthread_create(&t, NULL, sender, &me);
  void *p = malloc(100);
  free(p);
  pthread_join(t, NULL);
  return 0;
}
