// forklore: libc=glibc expect=ok
// The same mail handler, starting sendmail the way posix_spawn does in glibc 2.24 and later: a
// clone that runs no fork handlers, whose child does nothing but exec. The simulator has no
// CLONE_VM, so _Fork() plays the clone; for locks it is the same, since the child touches none.
// sendmail is this same program run again (/proc/self/exe) with argv[1] "sendmail", so that the
// program is one file that runs as it is on Linux, with no real sendmail needed.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void prepare(void) { pthread_mutex_lock(&log_lock); }
static void parent(void) { pthread_mutex_unlock(&log_lock); }
static void child(void) { pthread_mutex_init(&log_lock, NULL); }

static int sendmail(void) // the program the child runs
{
  return 0;
}

// posix_spawn(&pid, path, NULL, NULL, argv, envp), as far as locks are concerned.
static pid_t spawn(const char *self)
{
  pid_t pid = _Fork(); // no prepare, parent or child handlers
  if (pid == 0) {
    execl("/proc/self/exe", self, "sendmail", (char *) NULL);
    _exit(127);
  }
  return pid;
}

// Called by the library for every record, under log_lock.
static int mail_handler(const char *self)
{
  pid_t pid = spawn(self);
  int status;
  waitpid(pid, &status, 0);
  return WEXITSTATUS(status);
}

static int log_record(const char *self)
{
  pthread_mutex_lock(&log_lock);
  int r = mail_handler(self);
  pthread_mutex_unlock(&log_lock);
  return r;
}

int main(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "sendmail") == 0)
    return sendmail();
  pthread_atfork(prepare, parent, child); // the library's initialiser
  int r = log_record(argv[0]);
  assert(r == 0 && "sendmail ran and exited with 0");
  return 0;
}
