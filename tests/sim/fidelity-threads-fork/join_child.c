/* join_child.c -- pthread_join in a fork child on threads that exist only in the parent (measured for
   tests/sim/fidelity-threads-fork.test.ts).

   The parent has two threads at the fork: `sleeper` still running (it waits on a pipe), `quick`
   exited unjoined (it returned 0x2a; the parent slept 50 ms after creating it).  The child joins both
   and prints what each join returned, then its ids.  Exit status 0.

     gcc -std=gnu11 -Wall -Wextra -Werror -pthread -O2 -o join_child join_child.c && ./join_child

   Measured on this machine (Debian glibc 2.36-9+deb12u14, kernel 6.18, 2 December 2026), 20 runs, every
   run the same:
     child: join(sleeper) = 0 value (nil); join(quick) = 0 value 0x2a; getpid == gettid: 1; getppid ok: 1 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int fds[2];

static void *sleeper(void *arg)
{
  (void)arg;
  char c;
  if (read(fds[0], &c, 1) < 0) return NULL;
  return NULL;
}

static void *quick(void *arg)
{
  (void)arg;
  return (void *)(intptr_t)0x2a;
}

int main(void)
{
  if (pipe(fds) != 0) return 1;
  pid_t parent = getpid();
  pthread_t s, q;
  pthread_create(&s, NULL, sleeper, NULL);
  pthread_create(&q, NULL, quick, NULL);
  usleep(50000);
  pid_t pid = fork();
  if (pid == 0) {
    void *vs = (void *)1, *vq = (void *)1;
    int rs = pthread_join(s, &vs);
    int rq = pthread_join(q, &vq);
    printf("child: join(sleeper) = %d value %p; join(quick) = %d value %p; getpid == gettid: %d; getppid ok: %d\n",
           rs, vs, rq, vq, getpid() == gettid(), getppid() == parent);
    fflush(stdout);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  if (write(fds[1], "x", 1) != 1) return 1;
  pthread_join(s, NULL);
  pthread_join(q, NULL);
  return 0;
}
