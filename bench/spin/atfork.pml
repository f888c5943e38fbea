/* content/examples/ch3-atfork-buggy.ts and ch3-atfork-fixed.ts (spin -DFIXED): a worker thread
   updates a table under table_lock while main forks; the child locks the table. The child's memory
   is a copy (its lock is a parameter of the child's process, the parent's value at the fork).
   Buggy: the worker may hold the lock at the fork, and the child waits for it for ever (an invalid
   end state). Fixed, the lock-in-prepare pattern: the prepare handler takes the lock before the
   fork, the parent handler releases it, the child handler re-initialises the child's copy. */
bit m = 0;
bit exited = 0;
inline lock(x) { atomic { x == 0 -> x = 1 } }
inline unlock(x) { x = 0 }

proctype child(bit cm) {
#ifdef FIXED
  cm = 0;                   /* child handler: pthread_mutex_init */
#endif
  lock(cm); unlock(cm);     /* the child reads the table */
  exited = 1
}

active proctype worker() {
  lock(m); unlock(m)
}

active proctype main_thread() {
#ifdef FIXED
  lock(m);                  /* prepare handler */
  run child(m);             /* fork */
  unlock(m);                /* parent handler */
#else
  run child(m);             /* fork */
#endif
  exited == 1               /* waitpid */
}
