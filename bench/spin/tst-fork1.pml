/* content/examples/tst-fork1-r743*.ts and tst-fork1-r815*.ts: glibc's nptl/tst-fork1 run through
   Plash's fork() wrapper. N threads (spin -DN=2, 3 or 5) each fork: new_fork() takes libc_lock
   around clone_connection(), then kernel_fork() (_Fork: glibc's handlers do not run). The child's
   memory is a copy: its libc_lock is the parent's as it was at the fork (a parameter of the child's
   process). The child's printf starts with an intercepted fstat(1), which takes libc_lock; the
   parent waits for the child (waitpid), main for the threads.
   r743 (default): the lock is released before the fork, so another thread can hold it when a child
   is copied; that child waits for it for ever: an invalid end state.
   r815 (spin -DR815): the lock is held across the fork, the parent unlocks it and the child
   re-initialises its copy: no invalid end state.
   Left out as the program has them: glibc's internal locks (only the children print, so no parent
   thread holds stdout's lock or main_arena at a fork), the descriptors (fd 3 and its dup2). */
#ifndef N
#define N 2
#endif
bit L = 0;                  /* libc_lock, taken by one thread at a time */
bit exited[N];              /* child i has called _exit */
inline lock(m) { atomic { m == 0 -> m = 1 } }
inline unlock(m) { m = 0 }

proctype child(byte i; bit cl) {
#ifdef R815
  cl = 0;                   /* plash_libc_lock_reinitialize() */
#endif
  lock(cl); unlock(cl);     /* plash_fstat(): printf's first fstat(1) */
  exited[i] = 1             /* _exit(i) */
}

proctype thread(byte i) {
  lock(L);                  /* clone_connection() */
#ifdef R815
  run child(i, L);          /* kernel_fork() with the lock held */
  unlock(L);
#else
  unlock(L);
  run child(i, L);          /* kernel_fork(): another thread may hold the lock now */
#endif
  exited[i] == 1            /* waitpid() */
}

init {
  byte i = 0;
  atomic { do :: i < N -> run thread(i); i++ :: else -> break od }
}
