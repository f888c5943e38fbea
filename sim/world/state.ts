// The world's internal state: processes, threads, per-process memory objects and descriptors.
// Nothing here is public; views get a plain snapshot (see snapshot() in run.ts).
import type { AtforkEntry, HandlerFn, MutexType, StepOp, ThreadFn } from '../api/ops.ts';

export interface MutexObj {
  kind: 'mutex';
  name: string;
  type: MutexType | 'lll';
  internal: boolean;
  addr: number;
  /** glibc's futex word: 0 free, 1 locked, 2 locked with (possible) waiters. */
  word: number;
  /** The owner's tid (0 when free). Kept for every kind so that explanations can name the holder. */
  owner: number;
  /** Recursion count (recursive kinds). */
  count: number;
  /** libio's _IO_lock_t: the owner is a TCB (Thread.tcb), 0 when free. */
  io: boolean;
  ownerTcb: number;
  /** Threads in FUTEX_WAIT on this word, in arrival order. */
  waiters: number[];
}
export interface CellObj {
  kind: 'cell';
  name: string;
  value: unknown;
}
export interface SemObj {
  kind: 'sem';
  name: string;
  value: number;
}
/**
 * glibc 2.36's pthread_cond_t (nptl/pthread_cond_wait.c describes each field), as plain values. Arrays
 * are never changed in place, only replaced: fork's shallow copy of the object then copies them.
 */
export interface CondState {
  /** __wseq: 2 * the next waiter's position + the index of G2's slot. */
  wseq: number;
  /** __g1_start: 2 * G1's first position + G2's index. */
  g1Start: number;
  /** __g1_orig_size >> 2: G1's size when it became G1. */
  g1OrigSize: number;
  /** __g1_orig_size's two low bits, the condvar's internal lock: the holder's tid, 0 when free. */
  lock: number;
  /** __wrefs >> 3: the waiters registered (from __wseq's fetch-add to __condvar_confirm_wakeup). */
  wrefs: number;
  /** __g_refs[g] >> 1, as the tids that hold a reference on slot g (a waiter about to sleep or asleep). */
  gRefs: readonly [readonly number[], readonly number[]];
  /** __g_signals[g]: 2 * the signals slot g can still hand out, + 1 when the group is closed. */
  gSignals: readonly [number, number];
  /** __g_size[g]: waiters of G1 not signalled yet (0 for G2). */
  gSize: readonly [number, number];
  /** The registered waiters and their positions (the model's record of who __wrefs counts). */
  members: readonly { tid: number; seq: number }[];
}
export interface CondObj extends CondState {
  kind: 'cond';
  name: string;
  /** Threads in futex_wait on one of the condvar's words (a kernel queue: fork's copy starts empty); Thread.cv says which. */
  waiters: number[];
}
/** PTHREAD_COND_INITIALIZER and pthread_cond_init: every field 0 (G2 is slot 0, G1 slot 1, closed and empty). */
export function zeroCond(): CondState {
  return {
    wseq: 0,
    g1Start: 0,
    g1OrigSize: 0,
    lock: 0,
    wrefs: 0,
    gRefs: [[], []],
    gSignals: [0, 0],
    gSize: [0, 0],
    members: [],
  };
}
export type MemObj = MutexObj | CellObj | SemObj | CondObj;

/** An open file description: shared by every descriptor that dup or fork made from it. */
export interface Ofd {
  id: number;
  path: string;
  /** A pipe's end: the pipe (shared by both ends' descriptions) and which end this is (ops/pipe.ts). */
  pipe?: Pipe;
  end?: 'r' | 'w';
  /** O_NONBLOCK, a status flag of the description: pipe2's flag or fcntl F_SETFL. */
  nonblock?: boolean;
  /** A regular file (or /dev/null) opened by path (ops/file.ts): its inode, offset, access mode, O_APPEND. */
  file?: Inode;
  pos?: number;
  mode?: number;
  append?: boolean;
}
/** A file's inode: its bytes (one char code per byte). `dev` marks a device file such as /dev/null. */
export interface Inode {
  ino: number;
  data: string;
  dev?: 'null';
}
/**
 * A pipe's kernel buffer (Linux fs/pipe.c): a ring of at most 16 pages. Each slot holds the unread
 * bytes of one page, which start `at` bytes into it (a read consumes a page from its front).
 */
export interface Pipe {
  id: number;
  slots: { at: number; text: string }[];
}
export interface FdEntry {
  ofd: Ofd;
  cloexec: boolean;
  clofork: boolean;
  /** Plash: the thread whose pending fork this fresh connection is for, until closed or moved. */
  owner?: number;
}

export interface Proc {
  pid: number;
  ppid: number;
  mem: Map<string, MemObj>;
  fds: Map<number, FdEntry>;
  atfork: AtforkEntry[];
  handlers: Map<string, HandlerFn>;
  /** sa_mask of each caught signal that has one: blocked while its handler runs. */
  handlerMasks?: Map<string, readonly string[]>;
  /** Process-directed signals not yet delivered. */
  pendingSigs: string[];
  /** Live threads, in creation order. */
  threads: number[];
  /** Set once the process has created a thread (glibc's multiple_threads / malloc's fast path). */
  multiThreaded: boolean;
  /** Forked from a multi-threaded process and not exec'd since: only async-signal-safe calls allowed. */
  childOfMultiThreaded: boolean;
  exited: boolean;
  /** wait status (exit code << 8, or the signal number). */
  status: number;
  exitTime: number;
  reaped: boolean;
  heapNext: number;
  /** The FILEs whose buffer _IO_doallocbuf has allocated (fp->_IO_buf_base set): memory, so fork copies it. */
  stdioBufs: string[];
  /** The standard streams' FILE state once used (InstantOp 'stdstream'): memory, so fork copies it. */
  stdStreams: { stdin?: object; stdout?: object; stderr?: object };
  /** The image's environment as exec gave it, and the names setenv/unsetenv touched since (InstantOp 'environ'). */
  environ: { init: Readonly<Record<string, string>>; set: string[] };
  /** malloc's arenas (process memory: fork copies them; see sim/world/ops/malloc.ts). */
  arenas: Arenas;
  /** Its children's pids, smallest first (ops/fork.ts). */
  children: number[];
  /**
   * The other threads' descriptors (struct pthread) fork copied from the parent: the results a join in
   * this process reads (pd->result) that are not NULL, by tid (a thread that had exited unjoined
   * before the fork); any other thread of an ancestor reads NULL (ops/thread.ts, forkedDescriptors).
   * Unset in a process not made by fork; execve drops it.
   */
  forkedThreads?: Map<number, unknown>;
  /** This process's threads that have exited, by tid (their descriptors keep their results). */
  exitedThreads?: number[];
}

/**
 * malloc's process-wide arena state (glibc malloc/arena.c). Arena locks themselves are mutexes in
 * `Proc.mem`, named by `list` ("main_arena", "arena_1", ...).
 */
export interface Arenas {
  /** The circular list from main_arena: main_arena, then the newest arena first (main_arena.next = a). */
  list: string[];
  /** narenas: arenas created or being created, main_arena included (2.36 bumps it before linking). */
  count: number;
  /** 2.36 arena_get2's static narenas_limit: 0 until set (mp_.arena_max, or 8 * cores past arena_test). */
  limit: number;
  /** mp_.arena_max (mallopt M_ARENA_MAX, 2.36 only), 0 when unset. */
  max: number;
  /** 2.36 reused_arena's static next_to_use ('' while NULL). */
  nextToUse: string;
  /** 2.36 free_list: arenas no thread is attached to, head first. */
  free: string[];
  /** 2.36 attached_threads of each arena. */
  attached: Record<string, number>;
  /** 2.7 atfork_recursive_cntr (ptmalloc_lock_all). */
  atforkCntr: number;
  /** 2.7 save_arena: the forking thread's arena while its tsd holds ATFORK_ARENA_PTR. */
  saved: string | null;
  /** Chunk address -> the arena it came from and its chunk size (arena_for_chunk, chunksize). */
  chunks: Map<number, { arena: string; size: number }>;
}

/** One entry of a thread's record, which child replay feeds back: an op's result, or a handler run. */
export type Rec = { op: string; result: unknown } | { signal: string; handler: HandlerFn };

export interface Frame {
  gen: Generator<unknown, unknown, unknown>;
  /** For a signal handler frame: the signal and what the interrupted code was doing. */
  sig?: string;
  /** A handler's frame: the thread's step, phase and signal mask it interrupted (restored when it returns). */
  saved?: { pending: StepOp | null; phase: Phase; mask: readonly string[] };
  /** Depth of libc calls in this frame (an unsafe call is reported at the outermost one). */
  libcDepth: number;
}

/**
 * run: the pending op runs next when chosen. futex: queued in FUTEX_WAIT. woken: a FUTEX_WAKE took
 * it off the queue, the next step retries the exchange. cond: in futex_wait on a condition variable's
 * word (Thread.cv). condwake: woken from it, the next step goes on with glibc's loop. relock: the next
 * step re-takes the mutex.
 */
export type Phase = 'run' | 'futex' | 'woken' | 'cond' | 'condwake' | 'relock';

/** A futex word of a condition variable a thread sleeps on: __g_signals[g], __g_refs[g] or the internal lock. */
export type CondWord = { w: 'signals' | 'refs'; g: number } | { w: 'lock' };

/** A thread inside pthread_cond_wait (seq, g: its position and group slot) or _signal/_broadcast. */
export interface CondCall {
  seq: number;
  g: number;
  /** The word it sleeps on while its phase is 'cond'. */
  on: CondWord | null;
}

export interface Thread {
  tid: number;
  pid: number;
  fn: ThreadFn;
  args: unknown[];
  frames: Frame[];
  pending: StepOp | null;
  phase: Phase;
  exited: boolean;
  exitValue: unknown;
  exitTime: number;
  joined: boolean;
  /** pthread_detach'ed: a join fails with EINVAL. */
  detached?: boolean;
  /** Took itself off __nptl_nthreads on its way out (op tlast). */
  leaving?: boolean;
  /** Joined (or detached and exited), and a pthread_create came after: the descriptor may be reused. */
  descriptorReused?: boolean;
  clock: number;
  record: Rec[];
  steps: number;
  pendingSigs: string[];
  /** The signals this thread blocks, sorted (pthread_sigmask): a blocked signal stays pending. */
  sigmask: readonly string[];
  /** In sigsuspend: the mask to put back, and whether a handler has run since (then it returns). */
  suspend?: { old: readonly string[]; woken: boolean };
  /**
   * The address of the thread's control block (THREAD_SELF), named by a number: its own tid, except in
   * a child made by fork, whose only thread runs on the forking thread's copy of it.
   */
  tcb: number;
  /** For a child's thread: the thread it is the copy of (the thread that called fork). */
  copyOf?: number;
  /** Inside a condition-variable call: its place in glibc's algorithm (ops/cond.ts). */
  cv?: CondCall;
  /** Spurious condition-variable wake-ups this thread may still be given in this execution. */
  spuriousLeft: number;
  /**
   * malloc's thread_arena (2.36) or arena_key tsd (2.7): TLS, so a child made by fork has the forking
   * thread's. null before the thread's first malloc; ATFORK_ARENA (2.7) while its fork holds malloc.
   */
  arena: string | null;
  /**
   * 2.36's tcache (TLS, copied by fork), null until tcache_init: the arena its own chunk came from
   * and, per bin, the arenas of the chunks cached there.
   */
  tcache: { arena: string; bins: string[][] } | null;
  /** Started by pthread_create (start_thread runs __libc_thread_freeres at its end); main is not. */
  started: boolean;
  /**
   * What determines the function and arguments the thread started from (fingerprint.ts): the creating
   * thread's record at its pthread_create, or at the execve that started this image; unset for main.
   */
  origin?: string;
}
