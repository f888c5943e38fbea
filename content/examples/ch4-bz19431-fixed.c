// forklore: libc=glibc expect=ok
// The same three threads under today's glibc: fork takes the
// stdio list lock first and malloc's locks last.
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

// the list lock, then each FILE's lock
static void *flusher(void *arg) { (void) arg; fflush(NULL); return NULL; }
// stdin's FILE lock, then malloc's arena lock
static void *reader(void *arg)
{
  (void) arg;
  char *line = NULL;
  size_t len = 0;
  getline(&line, &len, stdin);
  return NULL;
}

static void *forker(void *arg)
{
  (void) arg;
  // glibc 2.7: malloc's prepare handler, then the list lock
  // today: the list lock, then malloc's locks
  pid_t pid = fork();
  if (pid == 0)
    _exit(0);
  waitpid(pid, NULL, 0);
  return NULL;
}

int main(void)
{
  pthread_t a, b, c;
  pthread_create(&a, NULL, flusher, NULL);
  pthread_create(&b, NULL, reader, NULL);
  pthread_create(&c, NULL, forker, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  pthread_join(c, NULL);
  return 0;
}
