// forklore: libc=glibc expect=ok
// Chapter 8, exercise solution: O_CLOEXEC sets the flag in the
// same step that creates the descriptor.
// The key file is secret.key in the current directory, and the plugin is this same program run
// again (/proc/self/exe) with argv[1] "plugin": the program is one file that runs as it is
// on Linux, and needs no key file or plugin installed anywhere else.
#include <assert.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *keep_secret(void *arg)
{
  (void) arg;
  int fd = open("secret.key", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ssize_t n = write(fd, "rotated\n", 8);
  assert(n == 8 && "the key file was written");
  close(fd);
  return NULL;
}

static int plugin(void)
{
  // A program we did not write: it must not find the key file.
  int r = close(3);
  assert(r != 0 && "fd 3 is not open in it");
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 2 && strcmp(argv[1], "plugin") == 0)
    return plugin();
  pthread_t t;
  pthread_create(&t, NULL, keep_secret, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    execl("/proc/self/exe", argv[0], "plugin", (char *) NULL);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  assert(WEXITSTATUS(status) == 0 && "the plugin ran");
  pthread_join(t, NULL);
  return 0;
}
