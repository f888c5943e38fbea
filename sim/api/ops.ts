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

/** Operations that are scheduling points (one transition each). */
export type StepOp =
  | { k: 'lock'; m: MutexHandle }
  | { k: 'trylock'; m: MutexHandle }
  | { k: 'unlock'; m: MutexHandle }
  | { k: 'minit'; m: MutexHandle; type: MutexType | 'lll' }
  | { k: 'load'; c: CellHandle }
  | { k: 'store'; c: CellHandle; v: unknown }
  | { k: 'sem_wait'; s: SemHandle; try: boolean }
  | { k: 'sem_post'; s: SemHandle }
  | { k: 'sem_init'; s: SemHandle; value: number }
  | { k: 'cond_wait'; c: CondHandle; m: MutexHandle }
  | { k: 'cond_signal'; c: CondHandle; all: boolean }
  | { k: 'create'; fn: ThreadFn; args: unknown[] }
  | { k: 'join'; tid: number }
  | { k: 'detach'; tid: number }
  | { k: 'texit'; value: unknown }
  | { k: 'atfork_reg'; entry: AtforkEntry }
  | { k: 'fork_begin' }
  | { k: 'fork_raw'; raw: boolean }
  | { k: 'waitpid'; pid: number; nohang?: boolean }
  | { k: 'exit_group'; status: number; how: 'exit' | '_exit' }
  /** Set by the world after a failed assert(): the process dies of SIGABRT in a step of its own. */
  | { k: 'abort'; message: string }
  | { k: 'execve'; path: string; image: ThreadFn | null }
  | { k: 'open'; path: string; flags: number }
  | { k: 'close'; fd: number }
  | { k: 'dup'; fd: number }
  | { k: 'dup2'; from: number; to: number }
  | { k: 'socketpair'; flags: number }
  | { k: 'fcntl'; fd: number; cmd: number; arg: number }
  | { k: 'write'; fd: number; text: string }
  | { k: 'read'; fd: number; n?: number }
  | { k: 'pipe'; flags: number }
  | { k: 'sendmsg'; fd: number; what: string }
  | { k: 'recvmsg_conn'; fd: number }
  | { k: 'heap'; what: 'malloc' | 'free'; n: number }
  | { k: 'dl'; name: string }
  | { k: 'sigaction'; sig: string; handler: HandlerFn }
  | { k: 'kill'; pid: number; sig: string }
  | { k: 'tkill'; tid: number; sig: string }
  | { k: 'sleep'; ns: number };

/** Operations the world answers at once, inside the current step (they touch no shared state). */
export type InstantOp =
  | { k: 'self'; what: 'tid' | 'pid' | 'ppid' }
  | { k: 'malloc_locks' }
  | { k: 'libc' }
  /**
   * Whether a FILE's buffer is allocated (libio's fp->_IO_buf_base), or, with `set`, record that it
   * now is. Read and written only under the FILE's lock, so the lock step's accesses cover it.
   */
  | { k: 'stdio_buf'; f: 'stdin' | 'stdout'; set: boolean }
  | { k: 'enter'; fn: string }
  | { k: 'leave'; fn: string }
  | { k: 'reset'; m: MutexHandle }
  | { k: 'atfork_run'; phase: 'prepare' | 'parent' | 'child'; index: number; internal?: string };

export type Op = StepOp | InstantOp;

export const INSTANT_OPS: ReadonlySet<string> = new Set([
  'self',
  'malloc_locks',
  'libc',
  'stdio_buf',
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
