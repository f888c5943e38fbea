// forklore: libc=none expect=deadlock
// Python's logging module as of 3.7 (bpo-6721): fork's "before" callback takes the module lock
// and then every handler's lock. An application's handler looks up a logger inside emit(), with
// its own lock held, and that takes the module lock. Make every schedule pass; the child must log.
#define _GNU_SOURCE
#include <assert.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

// Both are threading.RLock objects: recursive mutexes (logging._lock and handler.lock).
static pthread_mutex_t module_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t handler_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void get_logger(void) // logging.getLogger(name)
{
  pthread_mutex_lock(&module_lock);
  pthread_mutex_unlock(&module_lock);
}

static void emit(void) // Handler.handle() -> the application's emit()
{
  pthread_mutex_lock(&handler_lock);
  get_logger();
  pthread_mutex_unlock(&handler_lock);
}

// os.register_at_fork(before=..., after_in_parent=..., after_in_child=...)
static void before(void)
{
  pthread_mutex_lock(&module_lock);
  pthread_mutex_lock(&handler_lock);
}
static void after_in_parent(void)
{
  pthread_mutex_unlock(&handler_lock);
  pthread_mutex_unlock(&module_lock);
}
static void after_in_child(void)
{
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&handler_lock, &attr);
  pthread_mutex_init(&module_lock, &attr);
}

static void *worker(void *arg)
{
  (void) arg;
  emit(); // a record logged from another thread
  return NULL;
}

int main(void)
{
  pthread_atfork(before, after_in_parent, after_in_child);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    emit(); // the child logs
    _exit(3);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 3 && "the child logged and exited with 3");
  pthread_join(t, NULL);
  return 0;
}
