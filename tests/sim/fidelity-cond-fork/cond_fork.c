/* cond_fork.c -- a condition variable across fork on real glibc (measured for
   tests/sim/fidelity-cond-fork.test.ts).

   usage: cond_fork SCENARIO CHILD
     SCENARIO  g2    one parent thread waits on cv (asleep in G2) when main forks
               g1    two parent threads wait; main hands out one ticket and signals once, so one
                     of them leaves and the other is asleep in G1 (its group's __g_size is 1) at the fork
     CHILD     signal     the child's main waits on its copy of cv; a child thread signals once
               signal2    ... signals twice
               broadcast  ... broadcasts once
               round2     two rounds: wait/signal, then wait/signal again
               init       as signal, with pthread_cond_init(&cv, NULL) in an atfork child handler

   The parent waits up to 1 s for the child.  It prints one line to stderr: "child exited N", or
   "child hung:" and, for each of the child's threads, the futex word it sleeps on, named by its
   field in cv (read from /proc/PID/task/TID/syscall; fork keeps addresses).  Exit status: 0 when
   the child exited 0, 2 when it hung (the parent then kills it), 1 otherwise.

   Measured on this machine (Debian glibc 2.36-9+deb12u14, whose installed pthread_cond_t still has
   __g_refs, i.e. the 2.36 algorithm; kernel 6.18; 2 December 2026), 20 runs each:
     gcc -std=gnu11 -Wall -Wextra -Werror -pthread -O2 -o cond_fork cond_fork.c
     gcc -std=gnu11 -O2 -o watchdog ../../reality/watchdog.c
     ./watchdog -n 20 -t 3000 -b 60000 -d RUNDIR -- ./cond_fork SCENARIO CHILD
   g2 signal     20/20 child exited 0
   g2 signal2    20/20 child exited 0
   g2 broadcast  20/20 child exited 0
   g2 init       20/20 child exited 0
   g2 round2     20/20 hang (watchdog: the child's main alone, in futex_wait on __g_signals[1]):
                 round 1's switch made G1 = {ghost, main} of size 2 with one signal; main took it;
                 round 2's waiter went into G2 and round 2's signal went to G1's remaining size 1,
                 the ghost's
   g1 signal     20/20 hang (same evidence): the signal goes to G1 (__g_size 1, the ghost's), and
                 futex_wake on __g_signals[0] wakes nobody in the child
   g1 signal2    20/20 child hung: main in futex_wait on __g_signals[1]; the signaller in
                 futex_wait on __g_refs[0] (the second signal quiesces G1 and waits for the
                 ghost's group reference, which never drops: __condvar_quiesce_and_switch_g1)
   g1 broadcast  20/20 the same two futex waits: broadcast does not cure a ghost in G1
   g1 round2     20/20 child hung (main as in g1 signal)
   g1 init       20/20 child exited 0 (pthread_cond_init in the child handler)  */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int tickets;  /* the parent's waiters' predicate */
static int ready;    /* the child's waiter's predicate (the rounds signalled) */
static int waiting;  /* the child's waiter is in (or entering) its wait for this round */
static const char *child_mode;

static void *parent_waiter(void *arg)
{
  (void)arg;
  pthread_mutex_lock(&m);
  while (tickets == 0)
    pthread_cond_wait(&cv, &m);
  tickets--;
  pthread_mutex_unlock(&m);
  return NULL;
}

static void *child_signaller(void *arg)
{
  (void)arg;
  int rounds = strcmp(child_mode, "round2") == 0 ? 2 : 1;
  for (int r = 1; r <= rounds; r++) {
    pthread_mutex_lock(&m);
    while (waiting < r)             /* the waiter holds m from here to inside pthread_cond_wait */
      { pthread_mutex_unlock(&m); usleep(1000); pthread_mutex_lock(&m); }
    ready = r;
    if (strcmp(child_mode, "broadcast") == 0)
      pthread_cond_broadcast(&cv);
    else
      pthread_cond_signal(&cv);
    if (strcmp(child_mode, "signal2") == 0)
      pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
  }
  return NULL;
}

static void reinit_cond(void)
{
  pthread_cond_init(&cv, NULL);
}

static void describe(pid_t pid)
{
  char path[64];
  fprintf(stderr, "child hung:");
  for (int tid = pid; tid < pid + 64; tid++) {
    snprintf(path, sizeof path, "/proc/%d/task/%d/syscall", pid, tid);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    long nr = -1;
    unsigned long a0 = 0;
    if (fscanf(f, "%ld %lx", &nr, &a0) < 1) nr = -1;
    fclose(f);
    const char *who = tid == pid ? "main" : "thread";
    unsigned long base = (unsigned long)&cv;
    const char *field = "?";
    if (a0 == (unsigned long)&cv.__data.__g_signals[0]) field = "__g_signals[0]";
    else if (a0 == (unsigned long)&cv.__data.__g_signals[1]) field = "__g_signals[1]";
    else if (a0 == (unsigned long)&cv.__data.__g_refs[0]) field = "__g_refs[0]";
    else if (a0 == (unsigned long)&cv.__data.__g_refs[1]) field = "__g_refs[1]";
    else if (a0 == (unsigned long)&cv.__data.__g1_orig_size) field = "__g1_orig_size";
    else if (a0 == (unsigned long)&m) field = "the mutex";
    if (nr == 202) fprintf(stderr, " %s in futex_wait on %s;", who, field);
    else fprintf(stderr, " %s in syscall %ld (cv at %#lx);", who, nr, base);
  }
  fprintf(stderr, "\n");
}

int main(int argc, char **argv)
{
  if (argc != 3) { fprintf(stderr, "usage: %s g2|g1 signal|signal2|broadcast|round2|init\n", argv[0]); return 1; }
  const char *scenario = argv[1];
  child_mode = argv[2];
  int nwaiters = strcmp(scenario, "g1") == 0 ? 2 : 1;
  pthread_t w[2];
  for (int i = 0; i < nwaiters; i++)
    pthread_create(&w[i], NULL, parent_waiter, NULL);
  usleep(50000);                     /* the waiters are asleep in futex_wait */
  if (nwaiters == 2) {
    pthread_mutex_lock(&m);
    tickets = 1;
    pthread_cond_signal(&cv);        /* G2 becomes G1 of size 2; one signal */
    pthread_mutex_unlock(&m);
    usleep(50000);                   /* one waiter took it and left; the other sleeps in G1 */
  }
  if (strcmp(child_mode, "init") == 0)
    pthread_atfork(NULL, NULL, reinit_cond);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_t s;
    pthread_mutex_lock(&m);
    pthread_create(&s, NULL, child_signaller, NULL);
    int rounds = strcmp(child_mode, "round2") == 0 ? 2 : 1;
    for (int r = 1; r <= rounds; r++) {
      waiting = r;
      while (ready < r)
        pthread_cond_wait(&cv, &m);
    }
    pthread_mutex_unlock(&m);
    pthread_join(s, NULL);
    _exit(0);
  }
  int status = 0, hung = 1;
  for (int i = 0; i < 100; i++) {
    if (waitpid(pid, &status, WNOHANG) == pid) { hung = 0; break; }
    usleep(10000);
  }
  if (hung) {
    describe(pid);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  } else {
    fprintf(stderr, "child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  pthread_mutex_lock(&m);
  tickets += nwaiters;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&m);
  for (int i = 0; i < nwaiters; i++)
    pthread_join(w[i], NULL);
  return hung ? 2 : (WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1);
}
