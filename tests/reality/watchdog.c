/* watchdog.c -- run one compiled example N times on real Linux and say how each run ended.

   usage: watchdog [-n RUNS] [-t TIMEOUT_MS] [-b BUDGET_MS] [-d DIR] -- PROGRAM [ARG...]

   Each run is a fresh process in a process group of its own, started with stdin and stdout on
   /dev/null, stderr to DIR/stderr (so an assert's message from any process of the run is kept),
   the working directory DIR, and no descriptor above 2 (the watchdog's own are closed, as the
   model's processes start with fds 0-2 only, plus fd 3 when forklore.h opens its server
   connection).  The watchdog is a child subreaper (prctl(2) PR_SET_CHILD_SUBREAPER), so every
   process a run leaves behind is reparented to it, killed with the group and reaped.

   A run ends in one of these ways, printed as one JSON object per run on stdout:
     "exit"     the run's first process exited (status in "status"); the group is then killed.
     "signal"   it was killed by a signal ("signal": the number), e.g. 6 for a failed assert.
     "hang"     a proven deadlock: some process of the run is alive and each of its threads sits in
                futex(FUTEX_WAIT or FUTEX_WAIT_BITSET, private, timeout NULL), read from
                /proc/PID/task/TID/{stat,syscall,wchan}, seen the same way on two scans 50 ms
                apart.  A private futex is never woken from another process, and every thread of
                its process is waiting, so nothing can ever wake one.  Checked
                every 50 ms, so a hang costs about 100 ms, not the timeout.
     "timeout"  TIMEOUT_MS passed and then 2 s more without an exit or a proven hang.
   "slow" marks an exit that came only in the 2 s of slack (a starved run, not a hang).
   "evidence" describes the stuck process; "stderr" has the first bytes of DIR/stderr.

   Runs stop early when BUDGET_MS of wall time is used up (at least one run is made).
   The last line is {"done":true,"runs":N}.  */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The futex system call's number as /proc/PID/syscall shows it (asm/unistd.h of each arch).  */
#if defined(__x86_64__)
# define SYS_FUTEX_NR 202
#elif defined(__aarch64__)
# define SYS_FUTEX_NR 98
#else
# error "watchdog.c knows the futex system call number of x86_64 and aarch64 only"
#endif
#define FUTEX_CMD_MASK 0x7f
#define FUTEX_PRIVATE 0x80

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

static int read_small(const char *path, char *buf, size_t n)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t k = fd < 0 ? -1 : read(fd, buf, n - 1);
  if (fd >= 0)
    close(fd);
  buf[k > 0 ? k : 0] = 0;
  buf[strcspn(buf, "\n")] = 0;
  return k > 0;
}

/* If thread tid of pid is blocked (state S) in a private FUTEX_WAIT without timeout, describe the
   wait into out and return 1.  */
static int task_in_futex(pid_t pid, const char *tid, char *state, char *out, size_t n)
{
  char path[128], st[512], wchan[64], sc[256];
  snprintf(path, sizeof path, "/proc/%d/task/%.20s/stat", pid, tid);
  if (!read_small(path, st, sizeof st))
    return 0;
  char *p = strrchr(st, ')');
  *state = p && p[1] ? p[2] : '?';
  snprintf(path, sizeof path, "/proc/%d/task/%.20s/syscall", pid, tid);
  if (!read_small(path, sc, sizeof sc))
    return 0;
  snprintf(path, sizeof path, "/proc/%d/task/%.20s/wchan", pid, tid);
  read_small(path, wchan, sizeof wchan);
  /* /proc/PID/syscall: nr arg1 .. arg6 sp pc; futex(uaddr, op, val, timeout, ...) */
  long nr = -1;
  unsigned long uaddr = 0, op = 0, val = 0, timeout = 1;
  if (sscanf(sc, "%ld %lx %lx %lx %lx", &nr, &uaddr, &op, &val, &timeout) != 5)
    return 0;
  unsigned long cmd = op & FUTEX_CMD_MASK;
  if (nr != SYS_FUTEX_NR || timeout != 0 || !(op & FUTEX_PRIVATE) || (cmd != 0 && cmd != 9))
    return 0;
  if (*state != 'S')
    return 0;
  snprintf(out, n, "wchan %s, futex(0x%lx, %s%s, %lu, NULL)", wchan, uaddr,
           cmd ? "FUTEX_WAIT_BITSET" : "FUTEX_WAIT", "_PRIVATE", val);
  return 1;
}

/* If pid is alive and every one of its threads is blocked in a private FUTEX_WAIT without timeout
   (a private futex is woken only from its own process, where no thread is left to do it), describe
   it into out and return 1.  */
static int stuck_in_futex(pid_t pid, char *out, size_t n)
{
  char path[128], waits[1024] = "", one[256];
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  DIR *d = opendir(path);
  if (!d)
    return 0;
  int threads = 0, stuck = 1;
  char state = '?';
  for (struct dirent *e; stuck && (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    threads++;
    if (!task_in_futex(pid, e->d_name, &state, one, sizeof one))
      stuck = 0;
    else if (strlen(waits) + strlen(one) + 3 < sizeof waits) {
      if (waits[0])
        strcat(waits, "; ");
      strcat(waits, one);
    }
  }
  closedir(d);
  if (!stuck || threads == 0)
    return 0;
  snprintf(out, n, "pid %d: %d thread%s, state %c, %s", pid, threads, threads == 1 ? "" : "s", state, waits);
  return 1;
}

/* Scan /proc for the processes of group pgid; return 1 with evidence when one is stuck.  */
static int group_stuck(pid_t pgid, char *out, size_t n)
{
  DIR *d = opendir("/proc");
  if (!d)
    return 0;
  int found = 0;
  for (struct dirent *e; !found && (e = readdir(d));) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9')
      continue;
    char path[64], st[512];
    snprintf(path, sizeof path, "/proc/%.20s/stat", e->d_name);
    if (!read_small(path, st, sizeof st))
      continue;
    char *p = strrchr(st, ')');
    char state;
    int ppid, pgrp;
    if (!p || sscanf(p + 1, " %c %d %d", &state, &ppid, &pgrp) != 3 || pgrp != pgid)
      continue;
    found = stuck_in_futex(atoi(e->d_name), out, n);
  }
  closedir(d);
  return found;
}

static void json_string(const char *s)
{
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char) *s;
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static void kill_and_reap(pid_t pgid)
{
  kill(-pgid, SIGKILL);
  /* Everything the run left is our child now (subreaper); wait until none is left.  */
  for (;;) {
    pid_t r = waitpid(-1, NULL, 0);
    if (r > 0)
      continue;
    if (r < 0 && errno == EINTR)
      continue;
    break;
  }
}

int main(int argc, char **argv)
{
  int runs = 20, timeout_ms = 1000, budget_ms = 3000;
  const char *dir = ".";
  for (int c; (c = getopt(argc, argv, "+n:t:b:d:")) != -1;) {
    switch (c) {
    case 'n': runs = atoi(optarg); break;
    case 't': timeout_ms = atoi(optarg); break;
    case 'b': budget_ms = atoi(optarg); break;
    case 'd': dir = optarg; break;
    default:
      fprintf(stderr, "usage: %s [-n RUNS] [-t TIMEOUT_MS] [-b BUDGET_MS] [-d DIR] -- PROGRAM [ARG...]\n", argv[0]);
      return 2;
    }
  }
  if (optind >= argc) {
    fprintf(stderr, "%s: no program to run\n", argv[0]);
    return 2;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    perror("prctl(PR_SET_CHILD_SUBREAPER)");
    return 2;
  }
  /* The program runs in DIR: a relative path to it must not depend on that.  */
  char *program = realpath(argv[optind], NULL);
  if (program == NULL) {
    perror(argv[optind]);
    return 2;
  }
  argv[optind] = program;
  char errpath[4096];
  snprintf(errpath, sizeof errpath, "%s/stderr", dir);
  double started = now_ms();
  int made = 0;
  for (int r = 0; r < runs && (r == 0 || now_ms() - started < budget_ms); r++, made++) {
    fflush(stdout);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 2;
    }
    if (pid == 0) {
      setpgid(0, 0);
      int in = open("/dev/null", O_RDONLY);
      int out = open("/dev/null", O_WRONLY);
      int err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || out < 0 || err < 0 || chdir(dir) != 0)
        _exit(126);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      close_range(3, ~0U, 0);
      signal(SIGPIPE, SIG_DFL);
      execv(argv[optind], argv + optind);
      _exit(127);
    }
    setpgid(pid, pid);
    const char *how = NULL;
    int status = 0, slow = 0;   /* the exit status, or the number of the signal */
    char evidence[512] = "", again[512];
    int last_scan = 0;
    for (;;) {
      siginfo_t si;
      si.si_pid = 0;
      /* WNOWAIT: the first process stays a zombie, so its group id stays valid for the kill.  */
      if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid) {
        how = si.si_code == CLD_EXITED ? "exit" : "signal";
        status = si.si_status;
        break;
      }
      double dt = now_ms() - t0;
      if (dt > timeout_ms + 2000) {
        how = "timeout";
        break;
      }
      if (dt > timeout_ms)
        slow = 1;
      int scan = (int) (dt / 50);
      if (scan != last_scan) {
        last_scan = scan;
        if (evidence[0]) {
          if (group_stuck(pid, again, sizeof again) && strcmp(again, evidence) == 0) {
            how = "hang";
            break;
          }
          evidence[0] = 0;
        } else if (!group_stuck(pid, evidence, sizeof evidence)) {
          evidence[0] = 0;
        }
      }
      sleep_ms(2);
    }
    double dt = now_ms() - t0;
    kill_and_reap(pid);
    char err[301] = "";
    read_small(errpath, err, sizeof err);
    printf("{\"run\":%d,\"outcome\":\"%s\"", r, how);
    if (!strcmp(how, "exit"))
      printf(",\"status\":%d", status);
    if (!strcmp(how, "signal"))
      printf(",\"signal\":%d", status);
    if (slow && strcmp(how, "hang") && strcmp(how, "timeout"))
      printf(",\"slow\":true");
    printf(",\"ms\":%.1f", dt);
    if (!strcmp(how, "hang")) {
      printf(",\"evidence\":");
      json_string(evidence);
    }
    if (err[0]) {
      printf(",\"stderr\":");
      json_string(err);
    }
    printf("}\n");
  }
  printf("{\"done\":true,\"runs\":%d}\n", made);
  return 0;
}
