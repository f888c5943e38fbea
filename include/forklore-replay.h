/* forklore-replay.h -- force a simulator schedule on real threads (Fork Lore's forced replay).

   A reproducer made by sim/reproduce (forklore reproduce) is three parts in one file:
     1. #include "forklore-replay.h" (this file; FL_PLASH defined first when the program uses
        forklore.h);
     2. the schedule, as three tables given to FL_SCHEDULE: the blocks (for each model thread, its
        real calls in order, each with the model steps it spans), the owed steps (model steps
        no wrapped call stands for: memory reads and writes, calls that are not wrapped, signal
        deliveries) and the signals the schedule delivers;
     3. the example's C source, unchanged.
   This header includes the system headers first, then redefines the library calls that matter
   (pthread_create, pthread_mutex_lock, fork, _Fork, waitpid, printf, ...) as macros for wrappers,
   so the unchanged source calls the wrappers.  (The source's own #includes are then no-ops.)

   The turn.  Model steps are numbered 0, 1, 2, ... in schedule order.  One counter, `turn`, lives
   in MAP_SHARED memory made before main, so every process the program forks shares it, and
   threads wait for it with futex(2) on that shared word (not FUTEX_PRIVATE: waiters are in
   several processes).  A wrapped call of model thread T whose model steps are first..last waits
   until turn == first, makes the real call, then sets turn = last + 1 and wakes every waiter.
   So real calls happen one at a time, in the model's order, each finished before the next starts.
   A call that the model splits (other threads' steps happen inside it) is handled by its kind:
     - pthread_mutex_lock that waits (attempt, then a retry after the holder's unlock): the turn
       is passed on before the real lock, which then blocks until the holder's unlock, forced at
       its own turn; the thread then waits for its retry step's turn.
     - a printf, malloc or free held open while it holds glibc locks: the generator lists the locks
       the model's call holds at the cut; stdout's FILE lock is taken with flockfile(stdout), and
       main_arena by parking the thread in malloc_stats() (see fl_park_in_malloc; another arena
       cannot be held this way, and the generator says so); the call itself runs
       at its last run of steps.  One that waits for a lock instead passes the turn on first.
     - fork: the program's atfork handlers run inside it and take their turns like other code.
       The replay registers its own handlers before main: its prepare handler, the last to run,
       waits for the turn of glibc's internal locks and the clone; its parent handler, the first,
       hands the turn on after the parent's unlocks; its child handler, the first, gives the child
       its model id before the program's child handlers run.
     - any other split call cannot be held open from outside glibc: the reproducer says so when it
       is made (`not forceable`), and the call runs at its first step.
   A call that never returns in the schedule (a lock that blocks for good, _exit) passes the turn
   on first.  Threads get the model's ids (main 1000, then one counter for threads and
   processes) because pthread_create and fork take the next id at their own turn.

   Model ids beyond the tables, and calls past the end of a thread's table, run free: the schedule
   has ended (the deadlock is reached) and nothing is forced any more.

   Signals.  The schedule's signals are blocked in every thread from before main (the mask is
   inherited by threads and children).  pthread_kill, kill and raise are made for real at their
   turn; the signal stays pending until its thread unblocks it.  When it was sent after the
   thread's last step before the delivery, the thread unblocks it as it hands that step's turn on
   (also inside a call held open, as the model's thread is): the kernel delivers it at once, and the
   replay's trampoline, installed by the sigaction wrapper in front of the program's handler,
   waits for the delivery's turn.  When it was sent earlier, the thread unblocks it at the
   delivery's turn, between its calls.  The handler's own calls then take their turns; on return
   the signal is blocked again.

   Not forced (the reproducer lists each such step in its leading comment): memory reads and
   writes happen when their thread gets there (the reproducer first moves independent steps next
   to each other, which keeps the outcome, so that most of them need no forcing); a delivery the
   replay cannot place (see sim/reproduce/index.ts, deliveries()).

   Use: gcc -std=gnu11 -Wall -Wextra -Werror -pthread -I include -o repro repro.c
        timeout 10 ./repro; echo $?     (124 when it hung; tests/reality/watchdog.c tells a real
                                         deadlock from a slow run by reading /proc)

   Failure is loud, never a silent "no hang": a thread that waits FL_TURN_TIMEOUT_MS for its turn,
   or whose next call is not the one the table expects, prints "forklore-replay: ..." on stderr
   and exits the process with status 3 (FL_DIVERGED).  The turn waits themselves have a timeout,
   so a watchdog never mistakes them for the real deadlock (a FUTEX_WAIT with no timeout).  */

#ifndef FORKLORE_REPLAY_H
#define FORKLORE_REPLAY_H 1

#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#ifdef FL_PLASH
# include "forklore.h"
#endif

#ifndef FL_TURN_TIMEOUT_MS
# define FL_TURN_TIMEOUT_MS 5000
#endif
#define FL_DIVERGED 3

/* Block flags (set by the generator).  */
#define FL_SPLIT 1        /* other threads' steps happen inside this call */
#define FL_NORETURN 2     /* the call does not return within the schedule */
#define FL_HOLD_STDOUT 4  /* held open holding stdout's FILE lock */
#define FL_HOLD_ARENA 8   /* held open holding main_arena (parked in malloc_stats) */

struct fl_block {
  int tid;              /* the model thread */
  const char *call;     /* the real call, e.g. "pthread_mutex_lock" */
  int first;            /* its first model step */
  int release;          /* for FL_SPLIT: the turn to hand on after its first run of own steps */
  int resume;           /* for FL_SPLIT: the first step of its last run of own steps */
  int last;             /* its last model step */
  int flags;
};
struct fl_owed {
  int tid, step;
  int sig;              /* a signal delivery: the signal, else 0 */
  int open;             /* for a delivery: the turn at which the thread unblocks it, -1 at its own */
};

/* The schedule's tables, set before main by FL_SCHEDULE (below), which the reproducer expands
   right after including this file.  */
static const struct fl_block *fl_blocks;
static int fl_nblocks;
static const struct fl_owed *fl_owed;
static int fl_nowed;
static int fl_nsteps;                /* the turn after the schedule's last step */
static void fl_block_signals(const int *sigs);
#define FL_SCHEDULE(blocks, owed, signals)                               \
  __attribute__((constructor)) static void fl_set_schedule(void)        \
  {                                                                      \
    fl_blocks = (blocks);                                                \
    fl_nblocks = (int) (sizeof (blocks) / sizeof (blocks)[0]);           \
    fl_owed = (owed);                                                    \
    fl_nowed = (int) (sizeof (owed) / sizeof (owed)[0]);                 \
    for (int i = 0; i < fl_nblocks; i++)                                 \
      if (fl_blocks[i].last + 1 > fl_nsteps)                             \
        fl_nsteps = fl_blocks[i].last + 1;                               \
    for (int i = 0; i < fl_nowed; i++)                                   \
      if (fl_owed[i].step + 1 > fl_nsteps)                               \
        fl_nsteps = fl_owed[i].step + 1;                                 \
    fl_block_signals(signals);                                           \
  }

struct fl_shared {
  _Atomic int turn;
  _Atomic int next_id;
};
static struct fl_shared *fl_s;
static __thread int fl_self = 1000;  /* this thread's model id */
static __thread int fl_cursor;       /* how many of this thread's blocks it has made */
static __thread int fl_owed_done;    /* how many of its owed steps it has passed */

static __attribute__((unused)) void fl_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static __attribute__((unused)) void
fl_fail(const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0 || n > (int) sizeof buf - 2)
    n = (int) sizeof buf - 2;
  buf[n++] = '\n';
  ssize_t w = write(2, "forklore-replay: ", 17);
  w = write(2, buf, (size_t) n);
  (void) w;
  _exit(FL_DIVERGED);
}

static __attribute__((unused)) long
fl_futex(_Atomic int *addr, int op, int val, const struct timespec *ts)
{
  return syscall(SYS_futex, (int *) addr, op, val, ts, NULL, 0);
}

static void fl_unblock_window(int k);

static __attribute__((unused)) void
fl_set_turn(int k)
{
  fl_unblock_window(k);
  atomic_store(&fl_s->turn, k);
  fl_futex(&fl_s->turn, FUTEX_WAKE, INT_MAX, NULL);
}

static __attribute__((unused)) void
fl_wait_turn(int k, const char *what)
{
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int t = atomic_load(&fl_s->turn);
    if (t == k)
      return;
    if (t > k)
      fl_fail("thread %d: step %d (%s) was passed over: the turn is already %d", fl_self, k, what, t);
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };
    fl_futex(&fl_s->turn, FUTEX_WAIT, t, &ts);
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (ms > FL_TURN_TIMEOUT_MS)
      fl_fail("thread %d waited %ld ms for step %d (%s); the turn is %d: the real run went another way",
              fl_self, ms, k, what, atomic_load(&fl_s->turn));
  }
}

/* This thread's next owed step not yet passed (an index into fl_owed), or -1.  */
static int
fl_owed_next(void)
{
  int seen = 0;
  for (int i = 0; i < fl_nowed; i++) {
    if (fl_owed[i].tid != fl_self)
      continue;
    if (seen++ == fl_owed_done)
      return i;
  }
  return -1;
}

/* A signal the schedule delivers: the thread unblocks it at the turn `open` (as it hands on the turn
   after its last step before the delivery), so that the send, made for real at its own turn later,
   is delivered at once.  */
static void
fl_unblock_window(int k)
{
  if (fl_owed == NULL)
    return;
  int seen = 0;
  for (int i = 0; i < fl_nowed; i++) {
    if (fl_owed[i].tid != fl_self)
      continue;
    if (seen++ < fl_owed_done || fl_owed[i].sig == 0 || fl_owed[i].open != k)
      continue;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, fl_owed[i].sig);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
  }
}

static int fl_handled[NSIG];         /* the program installed a handler (the trampoline is in front) */

/* The delivery owed as entry i: its thread waits until the trampoline took it (a signal sent after
   the thread unblocked it), or until the delivery's turn, when it unblocks the pending signal; the
   kernel delivers it before pthread_sigmask returns.  */
static void
fl_deliver(int i)
{
  const struct fl_owed *o = &fl_owed[i];
  int done = fl_owed_done;
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (fl_owed_done == done) {
    int t = atomic_load(&fl_s->turn);
    if (t == o->step) {
      sigset_t s;
      sigemptyset(&s);
      sigaddset(&s, o->sig);
      pthread_sigmask(SIG_UNBLOCK, &s, NULL);
      if (fl_owed_done != done)
        return;
      pthread_sigmask(SIG_BLOCK, &s, NULL);
      if (!fl_handled[o->sig]) {     /* no handler: ignored (SIGCHLD); a fatal one ended us already */
        fl_owed_done++;
        fl_set_turn(o->step + 1);
        return;
      }
      fl_fail("thread %d: signal %d was not pending at its delivery (step %d)", fl_self, o->sig, o->step);
    }
    if (t > o->step)
      fl_fail("thread %d: the delivery of signal %d (step %d) was passed over: the turn is %d", fl_self, o->sig,
              o->step, t);
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 50 * 1000 * 1000 };
    fl_futex(&fl_s->turn, FUTEX_WAIT, t, &ts);
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (ms > FL_TURN_TIMEOUT_MS)
      fl_fail("thread %d waited %ld ms for signal %d (step %d); the turn is %d: the real run went another way",
              fl_self, ms, o->sig, o->step, atomic_load(&fl_s->turn));
  }
}

/* Pass the owed steps of this thread that come before step `before` (they already happened).  */
static __attribute__((unused)) void
fl_pass_owed(int before)
{
  for (;;) {
    int i = fl_owed_next();
    if (i < 0 || fl_owed[i].step >= before)
      return;
    if (fl_owed[i].sig != 0) {
      fl_deliver(i);
      continue;
    }
    fl_wait_turn(fl_owed[i].step, "a step without a wrapped call");
    fl_owed_done++;
    fl_set_turn(fl_owed[i].step + 1);
  }
}

/* This thread's next block not yet made, or NULL past the schedule.  */
static const struct fl_block *
fl_peek_block(void)
{
  int seen = 0;
  for (int i = 0; i < fl_nblocks; i++) {
    if (fl_blocks[i].tid != fl_self)
      continue;
    if (seen++ == fl_cursor)
      return &fl_blocks[i];
  }
  return NULL;
}

/* The thread's next block, checked against the call it makes, at its turn; NULL past the schedule.
   The owed steps before it are passed first: a signal handler that runs meanwhile makes its own
   calls (the blocks before this one), so the next block is looked up again after them.  */
static const struct fl_block *
fl_begin(const char *call)
{
  const struct fl_block *b;
  for (;;) {
    b = fl_peek_block();
    fl_pass_owed(b == NULL ? INT_MAX : b->first);
    if (b == fl_peek_block())
      break;
  }
  if (b == NULL)
    return NULL;
  if (strcmp(b->call, call) != 0)
    fl_fail("thread %d's call %d is %s, but the schedule has %s there (step %d)", fl_self, fl_cursor + 1, call,
            b->call, b->first);
  fl_wait_turn(b->first, call);
  fl_cursor++;
  return b;
}

static __attribute__((unused)) void
fl_end(const struct fl_block *b)
{
  if (b == NULL || (b->flags & FL_NORETURN))
    return;
  if (b->flags & FL_SPLIT)
    fl_wait_turn(b->resume, b->call);
  fl_set_turn(b->last + 1);
}

/* Before a call that the model splits or that does not return: let the next step go now.  */
static __attribute__((unused)) void
fl_release(const struct fl_block *b)
{
  if (b == NULL)
    return;
  if (b->flags & FL_NORETURN)
    fl_set_turn(b->last + 1);
  else if (b->flags & FL_SPLIT)
    fl_set_turn(b->release);
}

/* exit() (or returning from main): its model steps (flushing stdio under its locks) are owed
   steps of the exiting thread; pass them in order.  */
static __attribute__((unused)) void
fl_at_exit(void)
{
  fl_pass_owed(INT_MAX);
}

static void
fl_block_signals(const int *sigs)
{
  sigset_t s;
  sigemptyset(&s);
  for (int i = 0; sigs[i] != 0; i++)
    sigaddset(&s, sigs[i]);
  sigprocmask(SIG_BLOCK, &s, NULL);
}

static void fl_atfork_prepare(void);
static void fl_atfork_parent(void);
static void fl_atfork_child(void);

__attribute__((constructor)) static void
fl_init(void)
{
  fl_s = mmap(NULL, sizeof *fl_s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (fl_s == MAP_FAILED) {
    perror("forklore-replay: mmap");
    _exit(FL_DIVERGED);
  }
  atomic_store(&fl_s->turn, 0);
  atomic_store(&fl_s->next_id, 1001);
  atexit(fl_at_exit);
  /* Registered before the program's: the prepare handler runs last, parent and child first.  */
  if (pthread_atfork(fl_atfork_prepare, fl_atfork_parent, fl_atfork_child) != 0) {
    perror("forklore-replay: pthread_atfork");
    _exit(FL_DIVERGED);
  }
#ifdef FL_ONE_ARENA
  mallopt(M_ARENA_MAX, 1);
#endif
}

/* ---- the wrappers ---- */

struct fl_start {
  void *(*fn)(void *);
  void *arg;
  int id;
};

static __attribute__((unused)) void *
fl_trampoline(void *p)
{
  struct fl_start s = *(struct fl_start *) p;
  free(p);
  fl_self = s.id;
  void *r = s.fn(s.arg);
  const struct fl_block *b = fl_begin("pthread_exit");
  fl_end(b);
  return r;
}

static __attribute__((unused)) int
fl_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
  const struct fl_block *b = fl_begin("pthread_create");
  struct fl_start *s = malloc(sizeof *s);
  if (s == NULL)
    return EAGAIN;
  *s = (struct fl_start) { .fn = fn, .arg = arg, .id = atomic_fetch_add(&fl_s->next_id, 1) };
  int r = pthread_create(t, attr, fl_trampoline, s);
  fl_end(b);
  return r;
}

static __attribute__((unused)) int
fl_pthread_join(pthread_t t, void **ret)
{
  const struct fl_block *b = fl_begin("pthread_join");
  fl_release(b);
  int r = pthread_join(t, ret);
  fl_end(b);
  return r;
}

static __attribute__((unused)) int
fl_pthread_mutex_lock(pthread_mutex_t *m)
{
  const struct fl_block *b = fl_begin("pthread_mutex_lock");
  fl_release(b);
  int r = pthread_mutex_lock(m);
  fl_end(b);
  return r;
}

#define FL_SIMPLE(name, type, params, args)         \
  static __attribute__((unused)) type fl_##name params \
  {                                                 \
    const struct fl_block *b = fl_begin(#name);     \
    fl_release(b);                                  \
    type r = name args;                             \
    fl_end(b);                                      \
    return r;                                       \
  }
FL_SIMPLE(pthread_mutex_unlock, int, (pthread_mutex_t *m), (m))
FL_SIMPLE(pthread_mutex_trylock, int, (pthread_mutex_t *m), (m))
FL_SIMPLE(pthread_mutex_init, int, (pthread_mutex_t *m, const pthread_mutexattr_t *a), (m, a))
FL_SIMPLE(close, int, (int fd), (fd))
FL_SIMPLE(dup2, int, (int a, int b2), (a, b2))
FL_SIMPLE(write, ssize_t, (int fd, const void *p, size_t n), (fd, p, n))
FL_SIMPLE(waitpid, pid_t, (pid_t pid, int *st, int opt), (pid, st, opt))
#ifdef FL_PLASH
FL_SIMPLE(clone_connection, int, (void), ())
#endif

/* A malloc or free that another thread's step happens inside holds the arena lock across it.
   No public call holds an arena lock at will, but malloc_stats() takes each arena's lock and,
   still holding it, prints that arena's figures to stderr (checked on glibc 2.36: a raw-forked
   child's malloc hangs while a thread sits there).  So a helper thread takes stderr's FILE lock
   first; the thread then calls malloc_stats(), which locks main_arena and waits for stderr; once
   it waits there (its /proc/self/task/TID/syscall is futex), the helper hands the turn on, and at
   the call's last run of steps it lets stderr go; malloc_stats finishes and the real call runs.
   malloc_stats() holds main_arena first, so only a call the model has holding main_arena is held
   open this way (the model gives threads arenas as glibc does).  FL_ONE_ARENA, which makes the
   constructor set mallopt(M_ARENA_MAX, 1) before any thread exists, is kept for hand-made replays.  */
struct fl_park {
  const struct fl_block *b;
  _Atomic int ready;
  _Atomic pid_t tid;
};

static int
fl_in_futex(pid_t tid)
{
  /* open/read, not stdio: fopen would malloc, and main_arena is what the parked thread holds.  */
  char path[64], buf[8] = "";
  snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int) tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n >= 4 && strncmp(buf, "202 ", 4) == 0;
}

static void *
fl_park_helper(void *p)
{
  struct fl_park *k = p;
  fl_self = -1;                       /* not a model thread */
  flockfile(stderr);
  atomic_store(&k->ready, 1);
  struct timespec ms = { .tv_sec = 0, .tv_nsec = 1000 * 1000 };
  for (int i = 0; !fl_in_futex(atomic_load(&k->tid)); i++) {
    if (i > FL_TURN_TIMEOUT_MS)
      fl_fail("the thread parked in malloc_stats() never blocked on stderr's lock");
    nanosleep(&ms, NULL);
  }
  fl_set_turn(k->b->release);
  if (k->b->flags & FL_NORETURN) {
    /* Held to the end (a signal handler that interrupted the call does not return): stderr stays
       locked, and the helper leaves once the schedule is over, so the process is as the model's.  */
    fl_wait_turn(fl_nsteps, k->b->call);
    return NULL;
  }
  fl_wait_turn(k->b->resume, k->b->call);
  funlockfile(stderr);
  return NULL;
}

static void
fl_park_in_malloc(const struct fl_block *b)
{
  struct fl_park k = { .b = b, .ready = 0, .tid = 0 };
  pthread_t h;
  if (pthread_create(&h, NULL, fl_park_helper, &k) != 0)
    fl_fail("no helper thread to park %s", b->call);
  struct timespec ms = { .tv_sec = 0, .tv_nsec = 1000 * 1000 };
  while (!atomic_load(&k.ready))
    nanosleep(&ms, NULL);
  fl_unblock_window(b->release);      /* the helper hands that turn on: a signal may come now */
  atomic_store(&k.tid, gettid());
  malloc_stats();                     /* parked here, holding main_arena, until the resume step */
  pthread_join(h, NULL);
}

/* Before the real call of a block that other steps happen inside (FL_SPLIT) or that does not
   return (FL_NORETURN): take the glibc locks the model's call holds there, and hand the turn on.
   Returns when the call may go on (at its resume step), or never, for a call held to the end.  */
static void
fl_hold(const struct fl_block *b)
{
  if (b == NULL)
    return;
  if (b->flags & FL_HOLD_STDOUT)
    flockfile(stdout);
  if (b->flags & FL_HOLD_ARENA)
    fl_park_in_malloc(b);
  else if (b->flags & FL_HOLD_STDOUT) {
    fl_set_turn(b->release);
    fl_wait_turn((b->flags & FL_NORETURN) ? INT_MAX : b->resume, b->call);
  } else
    fl_release(b);
}

static void
fl_unhold(const struct fl_block *b)
{
  if (b != NULL && (b->flags & FL_HOLD_STDOUT))
    funlockfile(stdout);
}

static __attribute__((unused)) void *
fl_malloc(size_t n)
{
  const struct fl_block *b = fl_begin("malloc");
  fl_hold(b);
  void *r = malloc(n);
  fl_end(b);
  return r;
}

static __attribute__((unused)) void
fl_free(void *p)
{
  const struct fl_block *b = fl_begin("free");
  fl_hold(b);
  free(p);
  fl_end(b);
}

static __attribute__((unused)) pid_t
fl_forked(const struct fl_block *b, pid_t pid, int child_id)
{
  if (pid == 0) {
    fl_self = child_id;
    fl_cursor = 0;
    fl_owed_done = 0;
    return 0;
  }
  fl_end(b);
  return pid;
}

/* fork(): the program's atfork handlers run inside it; see the replay's own handlers below.  */
static __thread const struct fl_block *fl_forking;
static __thread int fl_in_fork, fl_fork_child_id, fl_fork_handed_on;

static void
fl_atfork_prepare(void)
{
  const struct fl_block *b = fl_forking;
  if (!fl_in_fork || b == NULL || !(b->flags & FL_SPLIT))
    return;
  fl_wait_turn(b->resume, "fork");     /* glibc's internal locks and the clone come next */
  if (b->flags & FL_NORETURN) {
    fl_set_turn(b->last + 1);
    fl_fork_handed_on = 1;
  }
}

static void
fl_atfork_parent(void)
{
  const struct fl_block *b = fl_forking;
  if (!fl_in_fork || b == NULL || fl_fork_handed_on)
    return;
  fl_set_turn(b->last + 1);            /* after glibc's unlocks, before the program's parent handlers */
  fl_fork_handed_on = 1;
}

static void
fl_atfork_child(void)
{
  if (!fl_in_fork)
    return;
  fl_in_fork = 0;                      /* before the program's child handlers: they are the child's */
  fl_forking = NULL;
  fl_self = fl_fork_child_id;
  fl_cursor = 0;
  fl_owed_done = 0;
}

static __attribute__((unused)) pid_t
fl_fork(void)
{
  const struct fl_block *b = fl_begin("fork");
  fl_fork_child_id = atomic_fetch_add(&fl_s->next_id, 1);
  fl_forking = b;
  fl_fork_handed_on = 0;
  fl_in_fork = 1;
  if (b != NULL && (b->flags & FL_SPLIT))
    fl_set_turn(b->release);           /* the prepare handlers' turns, or other threads' */
  else if (b != NULL && (b->flags & FL_NORETURN)) {
    fl_set_turn(b->last + 1);
    fl_fork_handed_on = 1;
  }
  pid_t pid = fork();
  if (pid == 0)
    return 0;
  fl_in_fork = 0;
  fl_forking = NULL;
  if (!fl_fork_handed_on)
    fl_end(b);
  return pid;
}

static __attribute__((unused)) pid_t
fl__Fork(void)
{
  const struct fl_block *b = fl_begin("_Fork");
  int id = atomic_fetch_add(&fl_s->next_id, 1);
  return fl_forked(b, _Fork(), id);
}

static __attribute__((unused)) void fl__exit(int status) __attribute__((noreturn));
static __attribute__((unused)) void
fl__exit(int status)
{
  const struct fl_block *b = fl_begin("_exit");
  if (b != NULL)
    fl_set_turn(b->last + 1);
  _exit(status);
}

/* printf: held open across other threads' steps with flockfile(stdout), the lock it takes.  */
static __attribute__((unused)) int
fl_printf(const char *fmt, ...)
{
  const struct fl_block *b = fl_begin("printf");
  fl_hold(b);
  va_list ap;
  va_start(ap, fmt);
  int r = vprintf(fmt, ap);
  va_end(ap);
  fl_unhold(b);
  fl_end(b);
  return r;
}

/* ---- signals ---- */

static struct sigaction fl_act[NSIG];  /* the program's actions, behind the trampoline */

/* In front of every handler the program installs: the delivery waits for its turn, the program's
   handler runs (its calls take their turns), and the signal is blocked again on return.  */
static void
fl_sig_trampoline(int sig, siginfo_t *si, void *ctx)
{
  int saved = errno;
  int i = fl_owed_next();
  if (i >= 0 && fl_owed[i].sig == sig) {
    fl_wait_turn(fl_owed[i].step, "a signal delivery");
    fl_owed_done++;
    fl_set_turn(fl_owed[i].step + 1);
  } else if (i >= 0 || fl_peek_block() != NULL)
    fl_fail("thread %d: signal %d arrived where the schedule delivers none", fl_self, sig);
  sigaddset(&((ucontext_t *) ctx)->uc_sigmask, sig);
  errno = saved;
  if (fl_act[sig].sa_flags & SA_SIGINFO)
    fl_act[sig].sa_sigaction(sig, si, ctx);
  else
    fl_act[sig].sa_handler(sig);
}

static int
fl_install(int sig, const struct sigaction *act, struct sigaction *old)
{
  if (act == NULL || sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP)
    return sigaction(sig, act, old);
  if (!(act->sa_flags & SA_SIGINFO) && (act->sa_handler == SIG_DFL || act->sa_handler == SIG_IGN)) {
    fl_handled[sig] = 0;
    return sigaction(sig, act, old);
  }
  struct sigaction real = *act;
  real.sa_sigaction = fl_sig_trampoline;
  real.sa_flags |= SA_SIGINFO;
  int r = sigaction(sig, &real, old);
  if (r == 0) {
    fl_act[sig] = *act;
    fl_handled[sig] = 1;
  }
  return r;
}

static __attribute__((unused)) int
fl_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
  const struct fl_block *b = fl_begin("sigaction");
  int r = fl_install(sig, act, old);
  fl_end(b);
  return r;
}

/* signal(): glibc's is sigaction with SA_RESTART; the model calls both sigaction.  */
static __attribute__((unused)) sighandler_t
fl_signal(int sig, sighandler_t h)
{
  const struct fl_block *b = fl_begin("sigaction");
  struct sigaction act, old;
  memset(&act, 0, sizeof act);
  act.sa_handler = h;
  act.sa_flags = SA_RESTART;
  sighandler_t before = (sig > 0 && sig < NSIG && fl_handled[sig]) ? fl_act[sig].sa_handler : SIG_DFL;
  int r = fl_install(sig, &act, &old);
  fl_end(b);
  return r == 0 ? before : SIG_ERR;
}

FL_SIMPLE(pthread_kill, int, (pthread_t t, int sig), (t, sig))
FL_SIMPLE(kill, int, (pid_t pid, int sig), (pid, sig))
FL_SIMPLE(pthread_atfork, int, (void (*p)(void), void (*pa)(void), void (*c)(void)), (p, pa, c))

/* raise() is pthread_kill of the calling thread, in the model too.  */
static __attribute__((unused)) int
fl_raise(int sig)
{
  const struct fl_block *b = fl_begin("pthread_kill");
  int r = raise(sig);
  fl_end(b);
  return r;
}

#define pthread_create fl_pthread_create
#define pthread_join fl_pthread_join
#define pthread_mutex_lock fl_pthread_mutex_lock
#define pthread_mutex_unlock fl_pthread_mutex_unlock
#define pthread_mutex_trylock fl_pthread_mutex_trylock
#define pthread_mutex_init fl_pthread_mutex_init
#define close fl_close
#define dup2 fl_dup2
#define write fl_write
#define waitpid fl_waitpid
#define malloc fl_malloc
#define free fl_free
#define fork fl_fork
#define _Fork fl__Fork
#define _exit fl__exit
#define printf fl_printf
#define sigaction(sig, act, old) fl_sigaction(sig, act, old)
#define signal(sig, h) fl_signal(sig, h)
#define pthread_kill fl_pthread_kill
#define kill fl_kill
#define raise fl_raise
#define pthread_atfork fl_pthread_atfork
#ifdef FL_PLASH
# define clone_connection fl_clone_connection
#endif

#endif /* forklore-replay.h */
