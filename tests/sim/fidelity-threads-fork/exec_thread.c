/* exec_thread.c -- execve from a thread other than main (measured for
   tests/sim/fidelity-threads-fork.test.ts).

   main forks; the child starts a thread that execs /proc/self/exe with the argument "image"
   while the child's main sleeps in pause().  The new image prints whether its pid, tid and ppid are
   the child's pid, its pid and the parent's (passed in argv), and how
   many threads it has (/proc/self/task), and exits 7.  The parent prints the pid fork returned, the
   tid of the exec'ing thread, and the status waitpid gives.

     gcc -std=gnu11 -Wall -Wextra -Werror -pthread -O2 -o exec_thread exec_thread.c && ./exec_thread

   Measured on this machine (Debian glibc 2.36-9+deb12u14, kernel 6.18, 2 December 2026), 20 runs, every
   run the same (pids vary):
     image: getpid == fork's pid: 1, gettid == getpid: 1, getppid == parent: 1, threads: 1
     parent: exec'ing thread's tid != child pid: 1; waitpid: exited 7
   Linux's de_thread (fs/exec.c) kills the other threads and gives the exec'ing thread the leader's
   pid: the old tid is gone. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int tidpipe[2];

static void *execer(void *arg)
{
  (void)arg;
  pid_t tid = gettid();
  if (write(tidpipe[1], &tid, sizeof tid) != sizeof tid) _exit(1);
  char pid[16], ppid[16];
  snprintf(pid, sizeof pid, "%d", getpid());
  snprintf(ppid, sizeof ppid, "%d", getppid());
  char *argv[] = {"/proc/self/exe", "image", pid, ppid, NULL};
  execv("/proc/self/exe", argv);
  _exit(1);
}

int main(int argc, char **argv)
{
  if (argc == 4 && strcmp(argv[1], "image") == 0) {
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    for (struct dirent *e; d && (e = readdir(d));) if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    printf("image: getpid == fork's pid: %d, gettid == getpid: %d, getppid == parent: %d, threads: %d\n",
           getpid() == atoi(argv[2]), gettid() == getpid(), getppid() == atoi(argv[3]), n);
    fflush(stdout);
    return 7;
  }
  if (pipe(tidpipe) != 0) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    pthread_t t;
    pthread_create(&t, NULL, execer, NULL);
    for (;;) pause();
  }
  pid_t tid;
  if (read(tidpipe[0], &tid, sizeof tid) != sizeof tid) return 1;
  int status;
  waitpid(pid, &status, 0);
  printf("parent: exec'ing thread's tid != child pid: %d; waitpid: exited %d\n", tid != pid,
         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
