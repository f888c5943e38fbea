// The operations a program yields to the world: the only way reader code touches simulated state.
// Library functions (sim/api/index.ts) are generators that yield these; the world (sim/world) runs them.

export type MutexType = 'normal' | 'errorcheck' | 'recursive';

/** A lock's static descriptor: resolved by name in the process that uses it (never shared memory). */
export interface MutexHandle {
  readonly handle: 'mutex';
  readonly name: string;
  /** 'lll' marks glibc's internal low-level locks (normal semantics, shown differently). */
  readonly type: MutexType | 'lll';
  /** True for glibc's internal locks. */
  readonly internal?: boolean;
  /**
   * libio's _IO_lock_t (sysdeps/nptl/stdio-lock.h): recursive, its owner is the thread's TCB address
   * (THREAD_SELF), not a tid, and _IO_lock_unlock checks no owner. A child made by fork runs on the
   * forking thread's copy of its TCB, at the same address, so it re-enters what that thread held.
   */
  readonly io?: boolean;
}
export interface CellHandle<T = unknown> {
  readonly handle: 'cell';
  readonly name: string;
  readonly initial: T;
  /**
   * Memory mapped MAP_SHARED | MAP_ANONYMOUS before the first process forked: one object for every
   * process of the run (fork shares the pages instead of copying them).
   */
  readonly shared?: true;
}
export interface SemHandle {
  readonly handle: 'sem';
  readonly name: string;
  readonly initial: number;
}
export interface CondHandle {
  readonly handle: 'cond';
  readonly name: string;
}

export type ThreadFn = (...args: never[]) => Generator<unknown, unknown, unknown>;
export type HandlerFn = (() => Generator<unknown, unknown, unknown>) | null | undefined;

/**
 * SIG_IGN as a handler. A signal whose action is SIG_IGN is discarded when it is sent (Linux
 * kernel/signal.c: prepare_signal -> sig_ignored); setting SIG_IGN discards a pending one (POSIX
 * sigaction: "Setting a signal action to SIG_IGN for a signal that is pending shall cause the pending
 * signal to be discarded"); execve keeps it (POSIX exec: "Signals set to be ignored by the calling
 * process image shall be set to be ignored by the new process image"). null is SIG_DFL.
 */
export const SIG_IGN: HandlerFn = Object.defineProperty(function* () {}, 'name', { value: 'SIG_IGN' });

/** What pthread_join returns (instead of the thread's value) when the thread is detached: EINVAL. */
export class JoinError {
  constructor(readonly errno: number) {}
}

export interface AtforkEntry {
  prepare: HandlerFn;
  parent: HandlerFn;
  child: HandlerFn;
  /** Set for handlers libc registers itself (glibc 2.7's malloc). */
  internal?: string;
}

/** What fork() learns in its first step: the handlers to run and how the libc model locks. */
export interface ForkPlan {
  libc: 'none' | 'glibc-2.7' | 'glibc';
  multiThreaded: boolean;
  handlers: AtforkEntry[];
}

/** What a malloc or free learns without a step: the calling thread's TLS and the process's mode. */
export interface MallocState {
  libc: 'none' | 'glibc-2.7' | 'glibc';
  /** SINGLE_THREAD_P (glibc 2.26+ skips arena locks until the first pthread_create). */
  single: boolean;
  /** thread_arena (2.36) or the arena_key tsd (2.7); null before the thread's first malloc. */
  arena: string | null;
  /** 2.36: tcache_init has run in this thread. */
  tcache: boolean;
  /** Started by pthread_create: start_thread runs __libc_thread_freeres when it ends. */
  started: boolean;
}
/** The result of 2.36 arena_get2's first step: an arena off the free list, a new one, or reused_arena's order. */
export type ArenaPick =
  { how: 'free'; name: string } | { how: 'new'; name: string } | { how: 'reuse'; order: string[] };

/**
 * An atomic read-modify-write of a cell (C11's atomic_fetch_*, GCC's __atomic and __sync builtins): one
 * step, which reads and writes the cell and returns the value it held. `cas` stores only when the
 * cell holds `expected`; `xchg` stores `v`; the others combine the old value with `v`.
 */
export type RmwFn = 'add' | 'sub' | 'and' | 'or' | 'xor' | 'nand' | 'xchg' | 'cas';
/** cas's comparison: two plain values are the same (numbers, or pointers as plain data). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return (a ?? 0) === (b ?? 0);
}

/** `x` in the integer type of `bits` bits (two's complement, as the machine wraps it). */
function wrap(x: bigint, int: { bits: number; signed: boolean }): number {
  return Number(int.signed ? BigInt.asIntN(int.bits, x) : BigInt.asUintN(int.bits, x));
}
const big = (v: unknown): bigint => BigInt(Math.trunc(Number(v ?? 0)));

/** The value an rmw leaves in its cell (the world's step, and the C front end on a private object). */
export function rmwResult(
  f: RmwFn,
  old: unknown,
  v: unknown,
  expected: unknown,
  int: { bits: number; signed: boolean },
): unknown {
  switch (f) {
    case 'xchg':
      return v;
    case 'cas':
      return sameValue(old, expected) ? v : old;
    case 'add':
      return wrap(big(old) + big(v), int);
    case 'sub':
      return wrap(big(old) - big(v), int);
    case 'and':
      return wrap(big(old) & big(v), int);
    case 'or':
      return wrap(big(old) | big(v), int);
    case 'xor':
      return wrap(big(old) ^ big(v), int);
    case 'nand':
      return wrap(~(big(old) & big(v)), int);
  }
}

/** Operations that are scheduling points (one transition each). */
export type StepOp =
  | { k: 'lock'; m: MutexHandle }
  | { k: 'trylock'; m: MutexHandle }
  | { k: 'unlock'; m: MutexHandle }
  | { k: 'minit'; m: MutexHandle; type: MutexType | 'lll' }
  | { k: 'load'; c: CellHandle }
  | { k: 'store'; c: CellHandle; v: unknown }
  | {
      k: 'rmw';
      c: CellHandle;
      f: RmwFn;
      v: unknown;
      /** cas: the value the cell must hold for `v` to be stored. */
      expected?: unknown;
      /** The integer type the arithmetic wraps in (default: a 64-bit signed integer). */
      int?: { bits: number; signed: boolean };
    }
  | { k: 'sem_wait'; s: SemHandle; try: boolean }
  | { k: 'sem_post'; s: SemHandle }
  | { k: 'sem_init'; s: SemHandle; value: number }
  | { k: 'cond_wait'; c: CondHandle; m: MutexHandle }
  | { k: 'cond_signal'; c: CondHandle; all: boolean }
  | { k: 'cond_init'; c: CondHandle }
  | { k: 'create'; fn: ThreadFn; args: unknown[] }
  | { k: 'join'; tid: number }
  | { k: 'detach'; tid: number }
  | { k: 'texit'; value: unknown }
  /** start_thread's atomic_decrement_and_test (&__nptl_nthreads): true for the last thread. */
  | { k: 'tlast' }
  | { k: 'atfork_reg'; entry: AtforkEntry }
  | { k: 'fork_begin' }
  | { k: 'fork_raw'; raw: boolean }
  | { k: 'waitpid'; pid: number; nohang?: boolean }
  | { k: 'exit_group'; status: number; how: 'exit' | '_exit' }
  /** Set by the world after a failed assert(): the process dies of SIGABRT in a step of its own. */
  | { k: 'abort'; message: string }
  /** env: the new image's environment (execve's envp); without it the image keeps the one it had. */
  | { k: 'execve'; path: string; image: ThreadFn | null; env?: Readonly<Record<string, string>> }
  | { k: 'open'; path: string; flags: number }
  | { k: 'close'; fd: number }
  | { k: 'dup'; fd: number }
  | { k: 'dup2'; from: number; to: number }
  | { k: 'socketpair'; flags: number }
  | { k: 'fcntl'; fd: number; cmd: number; arg: number }
  /** done: the bytes of a write longer than PIPE_BUF already in the pipe (ops/pipe.ts). */
  | { k: 'write'; fd: number; text: string; done?: number }
  | { k: 'read'; fd: number; n?: number }
  | { k: 'lseek'; fd: number; off: number; whence: number }
  | { k: 'pread'; fd: number; n: number; at: number }
  | { k: 'pwrite'; fd: number; text: string; at: number }
  | { k: 'unlink'; path: string }
  | { k: 'ftruncate'; fd: number; len: number }
  | { k: 'fstat'; fd: number }
  | { k: 'pipe'; flags: number }
  | { k: 'sendmsg'; fd: number; what: string }
  | { k: 'recvmsg_conn'; fd: number }
  /** `arena`: for malloc, the arena the chunk comes from (arena_for_chunk of the result). */
  | { k: 'heap'; what: 'malloc' | 'free'; n: number; arena?: string }
  /** malloc's arena bookkeeping (sim/world/ops/malloc.ts). */
  | { k: 'arena'; what: 'pick' | 'new' | 'link' | 'attach' | 'detach' | 'max' | 'list'; name?: string; n?: number }
  | { k: 'dl'; name: string }
  /** `mask`: sa_mask, the signals blocked while the handler runs (besides the signal itself). */
  | { k: 'sigaction'; sig: string; handler: HandlerFn; mask?: readonly string[] }
  /** pthread_sigmask/sigprocmask: the calling thread's mask changed by `set` (null: only read); answers the old mask. */
  | { k: 'sigmask'; how: 'block' | 'unblock' | 'setmask'; set: readonly string[] | null }
  /** sigpending: the signals pending for the thread or its process that it blocks. */
  | { k: 'sigpending' }
  /** sigsuspend: the mask replaced by `set` until a handler has run; answers -EINTR. */
  | { k: 'sigsuspend'; set: readonly string[] }
  /** sigwait: waits until one of `set` (blocked) is pending, takes it and answers its name. */
  | { k: 'sigwait'; set: readonly string[] }
  | { k: 'kill'; pid: number; sig: string }
  | { k: 'tkill'; tid: number; sig: string }
  | { k: 'sleep'; ns: number };

/** Operations the world answers at once, inside the current step (they touch no shared state). */
export type InstantOp =
  /** 'pthread': pthread_self (THREAD_SELF, Thread.tcb); 'tid': gettid. */
  | { k: 'self'; what: 'tid' | 'pthread' | 'pid' | 'ppid' }
  /** malloc's view of the calling thread (sim/world/ops/malloc.ts MallocState). */
  | { k: 'mstate' }
  | { k: 'tcache'; what: 'init' | 'get' | 'put' | 'shutdown'; n: number; arena?: string }
  | { k: 'chunk'; ptr: number }
  | { k: 'arena_list' }
  | { k: 'arena_tsd'; what: 'set' | 'save' | 'restore'; name?: string | null }
  | { k: 'atfork_cntr'; d: number }
  | { k: 'arena_child' }
  | { k: 'libc' }
  /**
   * Whether a FILE's buffer is allocated (libio's fp->_IO_buf_base), or, with `set`, record that it
   * now is. Read and written only under the FILE's lock, so the lock step's accesses cover it.
   * 'fopen': whether the process has linked a FILE of its own into _IO_list_all (sim/api/stdio.ts), set
   * once by its first fopen; until then the list is empty and exit has no stream of its own to flush.
   */
  | { k: 'stdio_buf'; f: 'stdin' | 'stdout' | 'fopen'; set: boolean }
  /**
   * A standard stream's FILE (stdout's and stderr's buffer, size and mode: sim/api/stdio.ts Buffering;
   * stdin's mode and end of file), process
   * memory read, or with `v` written, inside the current step: only under the stream's FILE lock, so
   * the lock step's accesses cover it, as they do for 'stdio_buf'. Fork copies it; exec drops it.
   */
  | { k: 'stdstream'; f: 'stdin' | 'stdout' | 'stderr'; v?: object }
  /**
   * The environment the process image started with (execve's envp; empty for the first process) and
   * the names setenv or unsetenv touched since; `add` records one. Fixed for the image's life but for
   * `set`, which only the exec family reads (the values themselves are cells, read by steps).
   */
  | { k: 'environ'; add?: string }
  | { k: 'enter'; fn: string }
  | { k: 'leave'; fn: string }
  | { k: 'reset'; m: MutexHandle }
  | { k: 'atfork_run'; phase: 'prepare' | 'parent' | 'child'; index: number; internal?: string };

export type Op = StepOp | InstantOp;

export const INSTANT_OPS: ReadonlySet<string> = new Set([
  'self',
  'mstate',
  'tcache',
  'chunk',
  'arena_list',
  'arena_tsd',
  'atfork_cntr',
  'arena_child',
  'libc',
  'stdio_buf',
  'stdstream',
  'environ',
  'enter',
  'leave',
  'reset',
  'atfork_run',
]);

/** Thrown by assert(): the world turns it into an 'assertion' finding and aborts the process. */
export class AssertionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionFailure';
  }
}
