// pthread_self across fork and pthread_join's return values. Measured on this machine (glibc 2.36,
// Debian 2.36-9+deb12u14): gcc -O0 -Wall -pthread -o self_join self_join.c && ./self_join, 3 of 3
// runs print exactly:
//   main self-join 35 (EDEADLK 35)
//   join 0, join again 3 (ESRCH 3)
//   join detached 22 (EINVAL 22)
//   child: self==before 1, equal 1, self_join 35 (EDEADLK 35)
// The measurement adds setvbuf (stdout, NULL, _IONBF, 0) at the top of main (the child's fflush
// would otherwise repeat main's lines into a pipe); the C front end has no setvbuf.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_t forker;
static void *quick(void *a) { return a; }
static void *do_fork(void *a) {
  pthread_t before = pthread_self();
  pid_t pid = fork();
  if (pid == 0) {
    pthread_t after = pthread_self();
    int self_join = pthread_join(pthread_self(), NULL);
    printf("child: self==before %d, equal %d, self_join %d (EDEADLK %d)\n", after == before,
           pthread_equal(after, before), self_join, EDEADLK);
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  return a;
}
int main(void) {
  printf("main self-join %d (EDEADLK %d)\n", pthread_join(pthread_self(), NULL), EDEADLK);
  pthread_t t;
  pthread_create(&t, NULL, quick, NULL);
  int a = pthread_join(t, NULL);
  int b = pthread_join(t, NULL); // UB in POSIX; glibc: pd->tid == -1 while the cached stack is unused
  printf("join %d, join again %d (ESRCH %d)\n", a, b, ESRCH);
  pthread_create(&t, NULL, quick, NULL);
  pthread_detach(t);
  printf("join detached %d (EINVAL %d)\n", pthread_join(t, NULL), EINVAL);
  pthread_create(&forker, NULL, do_fork, NULL);
  pthread_join(forker, NULL);
  return 0;
}
