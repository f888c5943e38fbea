// forklore: expect=ok
// glibc's tst-atfork1 as a puzzle: two sets of fork handlers
// change one number. What do the parent and the child see?
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

int main(void)
{
  pthread_atfork(prepare1, parent1, child1);
  pthread_atfork(prepare2, parent2, child2);
  pid_t pid = fork();
  int v = val;
  if (pid == 0) {
    _exit(v == 80 ? 0 : 1);
  }
  assert(v == 24 && "the parent sees 24");
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the child sees 80");
  return 0;
}
