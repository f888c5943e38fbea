// glibc 2.36's condition variable (nptl/pthread_cond_wait.c, pthread_cond_signal.c,
// pthread_cond_broadcast.c, pthread_cond_common.c), on the fields of CondObj: the waiter sequence, the
// two group slots G1 and G2 with their signals, sizes and references, and the internal lock. Each
// function below is one atomic part of a call; ops/cond.ts makes them steps. The fields live in
// process memory, so fork copies them with whatever waiters they count: a waiter that exists only in
// the parent is still a member of the child's copy, holds its group reference, and may be owed the
// signal a child thread sends.
import type { Kernel } from '../kernel.ts';
import { addrOf } from '../naming.ts';
import type { CondCall, CondObj, CondWord, Thread } from '../state.ts';

const set2 = <T>(pair: readonly [T, T], g: number, v: T): readonly [T, T] => (g === 0 ? [v, pair[1]] : [pair[0], v]);

/** The threads asleep on `word`, in arrival order. */
function sleepersOn(k: Kernel, c: CondObj, word: CondWord): Thread[] {
  return c.waiters
    .map((tid) => k.thread(tid)!)
    .filter((u) => u.cv?.on && u.cv.on.w === word.w && (word.w === 'lock' || (u.cv.on as { g: number }).g === word.g));
}

/** futex_wake(word, n): the first n sleepers leave the queue; each goes on with its loop in its next step. */
export function futexWake(k: Kernel, t: Thread, c: CondObj, word: CondWord, n: number): number[] {
  const woken = sleepersOn(k, c, word)
    .slice(0, n)
    .map((u) => u.tid);
  if (woken.length === 0) return woken;
  c.waiters = c.waiters.filter((tid) => !woken.includes(tid));
  for (const tid of woken) {
    const u = k.thread(tid)!;
    u.cv!.on = null;
    u.phase = 'condwake';
    u.clock = Math.max(u.clock, t.clock);
  }
  // A signal's wake-ups are in its cond.signal event; the others show as the futex calls they are.
  if (word.w !== 'signals') {
    k.emit(t, {
      type: 'futex.wake',
      addr: addrOf(c.name, false),
      count: woken.length,
      woken,
      lock: `${c.name}.${wordName(word)}`,
    });
  }
  return woken;
}

/** futex_wait on `word`: the thread sleeps until a futex_wake on it (or a signal handler). */
export function futexSleep(c: CondObj, t: Thread, word: CondWord): void {
  t.cv!.on = word;
  t.phase = 'cond';
  c.waiters.push(t.tid);
}

/** The futex word's name, as cond_fork.c prints it. */
export function wordName(word: CondWord): string {
  return word.w === 'lock' ? '__g1_orig_size' : `__g_${word.w}[${word.g}]`;
}

// ---------------------------------------------------------------- waiters

/**
 * __pthread_cond_wait_common up to releasing the mutex: __condvar_fetch_add_wseq_acquire(cond, 2) gives
 * the position and G2's slot, __wrefs += 8 registers the waiter.
 */
export function register(c: CondObj, t: Thread): CondCall {
  const wseq = c.wseq;
  c.wseq += 2;
  c.wrefs++;
  const cw: CondCall = { seq: Math.floor(wseq / 2), g: wseq & 1, on: null };
  c.members = [...c.members, { tid: t.tid, seq: cw.seq }];
  t.cv = cw;
  return cw;
}

/** __condvar_dec_grefs: drops the reference; the last one wakes a signaller waiting for the group to quiesce. */
function decGrefs(k: Kernel, t: Thread, c: CondObj, g: number): void {
  const refs = c.gRefs[g]!;
  if (!refs.includes(t.tid)) return;
  const left = refs.filter((x) => x !== t.tid);
  c.gRefs = set2(c.gRefs, g, left);
  if (left.length === 0) futexWake(k, t, c, { w: 'refs', g }, Infinity);
}

/** Is the waiter's group closed: the closed flag on __g_signals, or __g1_start past its position. */
function closed(c: CondObj, cw: CondCall): boolean {
  return (c.gSignals[cw.g]! & 1) !== 0 || cw.seq < Math.floor(c.g1Start / 2);
}

/**
 * The waiter's loop, from its load of __g_signals (after registering, or after futex_wait returned and
 * __condvar_dec_grefs): a closed group ends the wait without a signal; an available signal is taken
 * (the CAS that subtracts 2); else the waiter takes a group reference and, its group still open, sleeps
 * in futex_wait on __g_signals[g]. Returns true when the wait is over (then __condvar_confirm_wakeup).
 * The dec_grefs, the reload and the grab are one step here, so a waiter never holds no reference while
 * its group's slot is switched twice: the steal of a newer group's signal, which glibc repairs by
 * adding one back, does not arise.
 */
export function waitLoop(k: Kernel, t: Thread, c: CondObj): boolean {
  const cw = t.cv!;
  decGrefs(k, t, c, cw.g);
  const signals = c.gSignals[cw.g]!;
  if ((signals & 1) !== 0) return confirm(c, t);
  if (signals !== 0) {
    c.gSignals = set2(c.gSignals, cw.g, signals - 2);
    return confirm(c, t);
  }
  if (closed(c, cw)) return confirm(c, t);
  c.gRefs = set2(c.gRefs, cw.g, [...c.gRefs[cw.g]!, t.tid]);
  futexSleep(c, t, { w: 'signals', g: cw.g });
  return false;
}

/** What waitLoop would do now: true when the wait ends in this step (the mutex is re-taken next). */
export function waitEnds(c: CondObj, t: Thread): boolean {
  const cw = t.cv!;
  return c.gSignals[cw.g]! !== 0 || closed(c, cw);
}

/** __condvar_confirm_wakeup: __wrefs -= 8. */
function confirm(c: CondObj, t: Thread): true {
  c.wrefs--;
  c.members = c.members.filter((m) => m.tid !== t.tid);
  delete t.cv;
  return true;
}

// ---------------------------------------------------------------- signallers

/** __condvar_acquire_lock: takes the internal lock, or sleeps on __g1_orig_size (false). */
export function acquireLock(c: CondObj, t: Thread): boolean {
  if (c.lock === t.tid) return true;
  t.cv ??= { seq: -1, g: -1, on: null };
  if (c.lock !== 0) {
    futexSleep(c, t, { w: 'lock' });
    return false;
  }
  c.lock = t.tid;
  return true;
}

/** __condvar_release_lock: frees the lock and wakes one thread waiting for it. */
export function releaseLock(k: Kernel, t: Thread, c: CondObj): void {
  c.lock = 0;
  delete t.cv;
  futexWake(k, t, c, { w: 'lock' }, 1);
}

/**
 * __condvar_quiesce_and_switch_g1 for G1 in slot g1: false when G2 has no waiters; 'wait' when it
 * closed G1 and a waiter still holds a reference on it (the signaller then sleeps on __g_refs[g1],
 * holding the internal lock, and runs this again when woken); else it switches the groups (G2 becomes
 * G1, ending at the current __wseq) and says whether the new G1 has waiters.
 */
export function quiesceAndSwitch(c: CondObj, wseqPos: number, g1: number): boolean | 'wait' {
  const oldOrigSize = c.g1OrigSize;
  const oldG1Start = Math.floor(c.g1Start / 2);
  if (wseqPos - oldG1Start - oldOrigSize + c.gSize[g1 ^ 1]! === 0) return false;
  c.gSignals = set2(c.gSignals, g1, c.gSignals[g1]! | 1);
  if (c.gRefs[g1]!.length > 0) return 'wait';
  c.g1Start += oldOrigSize * 2 + (g1 === 1 ? 1 : -1);
  c.gSignals = set2(c.gSignals, g1, 0);
  const wseq = Math.floor(c.wseq / 2);
  c.wseq ^= 1;
  const newG1 = g1 ^ 1;
  const origSize = wseq - (oldG1Start + oldOrigSize);
  c.g1OrigSize = origSize;
  c.gSize = set2(c.gSize, newG1, c.gSize[newG1]! + origSize);
  return c.gSize[newG1] !== 0;
}

/**
 * The body of pthread_cond_signal or _broadcast under the internal lock. Returns the slot and the
 * count of its futex_wake after the lock is released (0: none), or 'wait' when quiescing G1 must wait
 * for a group reference. Threads a broadcast wakes before quiescing are added to `woken`.
 */
export function signalBody(
  k: Kernel,
  t: Thread,
  c: CondObj,
  all: boolean,
  woken: number[],
): { g: number; n: number } | 'wait' {
  const wseqPos = Math.floor(c.wseq / 2);
  let g1 = (c.wseq & 1) ^ 1;
  if (all && c.gSize[g1] !== 0) {
    // Step (1): signal every waiter left in G1, and wake them before quiescing it.
    c.gSignals = set2(c.gSignals, g1, c.gSignals[g1]! + c.gSize[g1]! * 2);
    c.gSize = set2(c.gSize, g1, 0);
    woken.push(...futexWake(k, t, c, { w: 'signals', g: g1 }, Infinity));
  }
  if (!all && c.gSize[g1] !== 0) {
    c.gSignals = set2(c.gSignals, g1, c.gSignals[g1]! + 2);
    c.gSize = set2(c.gSize, g1, c.gSize[g1]! - 1);
    return { g: g1, n: 1 };
  }
  const switched = quiesceAndSwitch(c, wseqPos, g1);
  if (switched === 'wait') return 'wait';
  if (!switched) return { g: g1, n: 0 };
  g1 ^= 1;
  const n = all ? c.gSize[g1]! : 1;
  c.gSignals = set2(c.gSignals, g1, c.gSignals[g1]! + n * 2);
  c.gSize = set2(c.gSize, g1, c.gSize[g1]! - n);
  return { g: g1, n: all ? Infinity : 1 };
}
