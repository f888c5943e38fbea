// forklore: libc=glibc expect=ok
// Chapter 5, fixed: the handler forks with _Fork(), which takes
// no lock, and the child calls nothing but _exit.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void on_alarm(int sig)
{
  (void) sig;
  pid_t pid = _Fork(); // async-signal-safe: no locks
  if (pid == 0)
    _exit(0);
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
  void *p = malloc(100); // the signal may come now
  free(p);               // or now
  pthread_join(t, NULL);
  return 0;
}
