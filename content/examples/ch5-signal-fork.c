// forklore: libc=glibc expect=deadlock
// Chapter 5, buggy: fork() in a signal handler while the
// interrupted thread holds malloc's lock (glibc bug 838).
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void on_alarm(int sig)
{
  (void) sig;
  pid_t pid = fork(); // takes malloc's locks first
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
