/* content/examples/compose-lock-order-buggy: a thread inside library A calls library B (A's lock,
   then B's) while another forks; fork runs the prepare handlers last to first (B's lock, then A's).
   A mutex is a bit taken atomically when it is free; an invalid end state is the deadlock. */
bit a_lock = 0;
bit b_lock = 0;
inline lock(m) { atomic { m == 0 -> m = 1 } }
inline unlock(m) { m = 0 }

active proctype logger() {
  lock(a_lock); lock(b_lock); unlock(b_lock); unlock(a_lock)
}

active proctype forker() {
  lock(b_lock); lock(a_lock);    /* b_prepare, a_prepare */
  unlock(b_lock); unlock(a_lock) /* the parent's handlers */
}
