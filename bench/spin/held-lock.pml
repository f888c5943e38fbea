/* content/examples/intro-held-lock: one thread takes and releases a mutex while main forks; the
   child gets a copy of the mutex as it was at the fork and locks it. A copy taken while the
   thread held it is never released in the child: an invalid end state, the deadlock.
   Compiled with -DNOREDUCE: with its partial-order reduction, pan 6.5.2 misses this invalid end
   state (measured: errors 0, and 1 with NOREDUCE). */
bit m = 0;
inline lock(x) { atomic { x == 0 -> x = 1 } }
inline unlock(x) { x = 0 }

proctype child(bit cm) {
  lock(cm); unlock(cm)
}

active proctype worker() {
  lock(m); unlock(m)
}

active proctype main_thread() {
  run child(m)   /* fork: the child's memory is a copy of the parent's */
}
