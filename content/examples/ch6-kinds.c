// forklore: libc=glibc expect=ok
// Chapter 6: what unlocking a mutex held at fork returns in the
// child, for each of the three kinds.
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t normal = PTHREAD_MUTEX_INITIALIZER; // the default kind
static pthread_mutex_t checked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_mutex_t counted = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

int main(void)
{
  pthread_mutex_lock(&normal);
  pthread_mutex_lock(&checked);
  pthread_mutex_lock(&counted);
  pid_t pid = _Fork(); // no handlers interfere
  if (pid == 0) {
    // Each word names the parent's thread as owner; this thread
    // has another id.
    int a = pthread_mutex_unlock(&normal);
    int b = pthread_mutex_unlock(&checked);
    int c = pthread_mutex_unlock(&counted);
    assert(a == 0 && "normal: no owner check, 0");
    assert(b == EPERM && "errorcheck: EPERM");
    assert(c == EPERM && "recursive: EPERM");
    _exit(0);
  }
  pthread_mutex_unlock(&normal);
  pthread_mutex_unlock(&checked);
  pthread_mutex_unlock(&counted);
  waitpid(pid, NULL, 0);
  return 0;
}
