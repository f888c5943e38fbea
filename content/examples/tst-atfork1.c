// forklore: libc=glibc expect=ok
// glibc's tst-atfork1: two sets of handlers. Prepare handlers run in reverse order of registration
// (++val, then val *= 2), parent and child handlers in order: the parent must see 24, the child 80.
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static int val = 0;

static void prepare1(void) { val = val * 2; }
static void prepare2(void) { val = val + 1; }
static void parent1(void) { val = val + 4; }
static void parent2(void) { val = val * 4; }
static void child1(void) { val = val + 8; }
static void child2(void) { val = val * 8; }

static int do_test(void)
{
  pthread_atfork(prepare1, parent1, child1);
  pthread_atfork(prepare2, parent2, child2);
  pid_t pid = fork();
  if (pid == 0) {
    int v = val;
    _exit(v == 80 ? 0 : 1);
  }
  assert(val == 24 && "the parent sees 24");
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child sees 80");
  return 0;
}

#include <support/test-driver.c>
