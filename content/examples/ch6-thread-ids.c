// forklore: libc=glibc expect=ok
// Chapter 6: thread ids across fork. The child's one thread has
// a new id, equal to the child's pid.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *forker(void *arg)
{
  (void) arg;
  pid_t before = gettid();
  pid_t parent_pid = getpid();
  assert(before != parent_pid && "a second thread: its own id");
  pid_t pid = fork();
  if (pid == 0) {
    pid_t tid = gettid();
    assert(tid != before && "the copy of the forker: a new id");
    assert(tid == getpid() && "the main thread");
    assert(getppid() == parent_pid && "the parent");
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return NULL;
}

int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, forker, NULL);
  pthread_join(t, NULL);
  return 0;
}
