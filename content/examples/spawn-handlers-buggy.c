// forklore: libc=glibc expect=deadlock
// A logging library with chapter 3's lock-in-prepare handlers. Its mail handler runs with the
// library's lock held and starts sendmail with fork() and exec: fork runs the prepare handler,
// which asks for the lock its own thread holds. No other thread is needed.
// sendmail is this same program run again (/proc/self/exe) with argv[1] "sendmail", so that the
// program is one file that runs as it is on Linux, with no real sendmail needed.
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

// Called by the library for every record, under log_lock.
static int mail_handler(const char *self)
{
  pid_t pid = fork();
  if (pid == 0) {
    execl("/proc/self/exe", self, "sendmail", (char *) NULL);
    _exit(127);
  }
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
