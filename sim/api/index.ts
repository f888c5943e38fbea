// The program library readers import as 'forklore': POSIX-named generator functions that yield
// operations to the world. Every `yield*` into it is a step boundary; what lies between is atomic.
import {
  AssertionFailure,
  type CellHandle,
  type CondHandle,
  type ForkPlan,
  type HandlerFn,
  type MutexHandle,
  type MutexType,
  type SemHandle,
  type ThreadFn,
} from './ops.ts';
export { JoinError, SIG_IGN } from './ops.ts';
export { atomic_rmw, atomic_fetch_add, atomic_fetch_sub, atomic_exchange, atomic_compare_exchange } from './atomic.ts';
import { DL_LOAD_LOCK, FILE_LOCKS, IO_LIST_LOCK, STDIN_LOCK } from './libc-locks.ts';
import { exit, fflushAll, type G } from './exit.ts';
import { fileLock, openFiles, stdFlush, stdinUnderflow, stdWrite } from './stdio.ts';
export { fopen, fclose, fwrite, fflushFile, fread, fileno, setvbuf, setbuffer, setlinebuf } from './stdio.ts';
export { IOFBF as _IOFBF, IOLBF as _IOLBF, IONBF as _IONBF, BUFSIZ } from './stdio.ts';
import {
  malloc,
  mallocForkLockParent,
  mallocForkUnlockChild,
  mallocForkUnlockParent,
  threadFreeres,
} from './malloc.ts';

export { malloc, free, mallopt, M_ARENA_MAX, M_ARENA_TEST } from './malloc.ts';

export type { MutexHandle, CellHandle, SemHandle, CondHandle, MutexType, AtforkEntry } from './ops.ts';

// ---- errno values, flags and signals (Linux numbers): sim/api/posix.ts ----
export {
  EPERM,
  ENOENT,
  ESRCH,
  EINTR,
  EBADF,
  ECHILD,
  EAGAIN,
  EBUSY,
  EINVAL,
  EDEADLK,
  EPIPE,
  EEXIST,
  ESPIPE,
  O_RDONLY,
  O_WRONLY,
  O_RDWR,
  O_ACCMODE,
  O_CREAT,
  O_EXCL,
  O_TRUNC,
  O_APPEND,
  SEEK_SET,
  SEEK_CUR,
  SEEK_END,
  O_CLOEXEC,
  O_CLOFORK,
  SOCK_CLOEXEC,
  SOCK_CLOFORK,
  F_GETFD,
  F_GETFL,
  F_SETFL,
  O_NONBLOCK,
  F_SETFD,
  FD_CLOEXEC,
  FD_CLOFORK,
  SIGUSR1,
  SIGUSR2,
  SIGALRM,
  SIGCHLD,
  SIGTERM,
  SIGKILL,
  SIGABRT,
  SIGNUM,
  WNOHANG,
} from './posix.ts';
import { EEXIST, EINVAL, O_CREAT, O_EXCL, O_RDWR, O_TRUNC, O_WRONLY, WNOHANG } from './posix.ts';

// ---- static objects ----

/** A mutex with PTHREAD_MUTEX_INITIALIZER (or its recursive/errorcheck variant), declared at top level. */
export function mutex(name: string, opts: { type?: MutexType } = {}): MutexHandle {
  return { handle: 'mutex', name, type: opts.type ?? 'normal' };
}
/** A shared variable in process memory; load and store are separate steps. */
export function cell<T>(name: string, initial: T): CellHandle<T> {
  return { handle: 'cell', name, initial };
}
/** A variable in a MAP_SHARED anonymous mapping made before any fork: every process sees one copy. */
export function sharedCell<T>(name: string, initial: T): CellHandle<T> {
  return { handle: 'cell', name, initial, shared: true };
}
export function sem(name: string, initial = 0): SemHandle {
  return { handle: 'sem', name, initial };
}
export function cond(name: string): CondHandle {
  return { handle: 'cond', name };
}

// ---- checks ----

/** A plain call: a failed assertion aborts the process and is reported. */
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}

// ---- memory ----

export function* load<T>(c: CellHandle<T>): G<T> {
  return (yield { k: 'load', c }) as T;
}
export function* store<T>(c: CellHandle<T>, v: T): G<void> {
  yield { k: 'store', c, v };
}

// ---- threads ----

export function* pthread_create<A extends unknown[]>(
  fn: (...args: A) => Generator<unknown, unknown, unknown>,
  ...args: A
): G<number> {
  yield { k: 'enter', fn: 'pthread_create' };
  const tid = (yield { k: 'create', fn: startThread(fn as unknown as ThreadFn), args }) as number;
  yield { k: 'leave', fn: 'pthread_create' };
  return tid;
}
export function* pthread_join(tid: number): G<unknown> {
  return yield { k: 'join', tid };
}
/** Detaches a thread: it can no longer be joined (a join fails with EINVAL: JoinError). 0, or ESRCH/EINVAL. */
export function* pthread_detach(tid: number): G<number> {
  return (yield { k: 'detach', tid }) as number;
}
/** start_thread (nptl/pthread_create.c): the thread's function, then __libc_thread_freeres. */
function startThread(fn: ThreadFn): ThreadFn {
  const started = function* (...args: never[]): Generator<unknown, unknown, unknown> {
    const v = yield* fn(...args);
    yield* threadFreeres();
    return v;
  };
  Object.defineProperty(started, 'name', { value: fn.name });
  return started;
}
/**
 * A thread on its way out takes itself off the count of the process's threads (__nptl_nthreads) and
 * learns whether it was the last: nptl/pthread_create.c's start_thread then calls exit (0), and so
 * does __libc_start_call_main for main's pthread_exit; atexit handlers run. The C front end asks.
 */
export function* lastThread(): G<boolean> {
  return (yield { k: 'tlast' }) as boolean;
}
export function* pthread_exit(value: unknown = null): G<never> {
  // The unwinding ends in start_thread, which runs __libc_thread_freeres (not in main).
  yield* threadFreeres();
  yield { k: 'texit', value };
  throw new Error('pthread_exit returned');
}
/**
 * glibc's pthread_self is THREAD_SELF, the address of the thread's descriptor (nptl/pthread_self.c): in
 * a child made by fork, the forking thread's, whose copy its only thread runs on (Thread.tcb).
 */
export function* pthread_self(): G<number> {
  return (yield { k: 'self', what: 'pthread' }) as number;
}
export function* gettid(): G<number> {
  return (yield { k: 'self', what: 'tid' }) as number;
}
export function* getpid(): G<number> {
  return (yield { k: 'self', what: 'pid' }) as number;
}
export function* getppid(): G<number> {
  return (yield { k: 'self', what: 'ppid' }) as number;
}

// ---- mutexes ----

export function* pthread_mutex_init(m: MutexHandle, attr: { type?: MutexType } = {}): G<number> {
  yield { k: 'enter', fn: 'pthread_mutex_init' };
  const r = (yield { k: 'minit', m, type: attr.type ?? (m.type === 'lll' ? 'normal' : m.type) }) as number;
  yield { k: 'leave', fn: 'pthread_mutex_init' };
  return r;
}
export function* pthread_mutex_lock(m: MutexHandle): G<number> {
  yield { k: 'enter', fn: 'pthread_mutex_lock' };
  const r = (yield { k: 'lock', m }) as number;
  yield { k: 'leave', fn: 'pthread_mutex_lock' };
  return r;
}
export function* pthread_mutex_trylock(m: MutexHandle): G<number> {
  yield { k: 'enter', fn: 'pthread_mutex_trylock' };
  const r = (yield { k: 'trylock', m }) as number;
  yield { k: 'leave', fn: 'pthread_mutex_trylock' };
  return r;
}
export function* pthread_mutex_unlock(m: MutexHandle): G<number> {
  yield { k: 'enter', fn: 'pthread_mutex_unlock' };
  const r = (yield { k: 'unlock', m }) as number;
  yield { k: 'leave', fn: 'pthread_mutex_unlock' };
  return r;
}

// ---- semaphores and condition variables ----

export function* sem_wait(s: SemHandle): G<number> {
  yield { k: 'enter', fn: 'sem_wait' };
  const r = (yield { k: 'sem_wait', s, try: false }) as number;
  yield { k: 'leave', fn: 'sem_wait' };
  return r;
}
/** sem_init(&s, pshared, value): sets the semaphore's value (glibc nptl/sem_init.c stores it, no lock). */
export function* sem_init(s: SemHandle, value: number): G<number> {
  return (yield { k: 'sem_init', s, value }) as number;
}
export function* sem_trywait(s: SemHandle): G<number> {
  return (yield { k: 'sem_wait', s, try: true }) as number;
}
/** The one unlocking call POSIX makes async-signal-safe. */
export function* sem_post(s: SemHandle): G<number> {
  return (yield { k: 'sem_post', s }) as number;
}
export function* pthread_cond_wait(c: CondHandle, m: MutexHandle): G<number> {
  yield { k: 'enter', fn: 'pthread_cond_wait' };
  const r = (yield { k: 'cond_wait', c, m }) as number;
  yield { k: 'leave', fn: 'pthread_cond_wait' };
  return r;
}
export function* pthread_cond_signal(c: CondHandle): G<number> {
  yield { k: 'enter', fn: 'pthread_cond_signal' };
  const r = (yield { k: 'cond_signal', c, all: false }) as number;
  yield { k: 'leave', fn: 'pthread_cond_signal' };
  return r;
}
export function* pthread_cond_broadcast(c: CondHandle): G<number> {
  yield { k: 'enter', fn: 'pthread_cond_broadcast' };
  const r = (yield { k: 'cond_signal', c, all: true }) as number;
  yield { k: 'leave', fn: 'pthread_cond_broadcast' };
  return r;
}
/** Re-initialises the condition variable in the calling process (glibc: every field back to 0). */
export function* pthread_cond_init(c: CondHandle): G<number> {
  return (yield { k: 'cond_init', c }) as number;
}

// ---- processes ----

export function* pthread_atfork(prepare: HandlerFn, parent: HandlerFn, child: HandlerFn): G<number> {
  yield { k: 'enter', fn: 'pthread_atfork' };
  const r = (yield { k: 'atfork_reg', entry: { prepare, parent, child } }) as number;
  yield { k: 'leave', fn: 'pthread_atfork' };
  return r;
}

function* runHandler(h: HandlerFn): G<void> {
  if (h) yield* h() as G<unknown>;
}

/** glibc's fork(): atfork handlers and the libc model's internal locking around the raw fork. */
export function* fork(): G<number> {
  const plan = (yield { k: 'fork_begin' }) as ForkPlan;
  const { libc, handlers } = plan;
  const locks = libc === 'glibc-2.7' || (libc === 'glibc' && plan.multiThreaded);
  for (let i = handlers.length - 1; i >= 0; i--) {
    const h = handlers[i]!;
    if (!h.prepare) continue;
    yield h.internal
      ? { k: 'atfork_run', phase: 'prepare', index: i, internal: h.internal }
      : { k: 'atfork_run', phase: 'prepare', index: i };
    yield* runHandler(h.prepare);
  }
  if (locks) {
    yield { k: 'lock', m: IO_LIST_LOCK };
    // posix/fork.c: "This needs to come last because fork handlers may use malloc".
    if (libc === 'glibc') yield* mallocForkLockParent();
  }
  const pid = (yield { k: 'fork_raw', raw: false }) as number;
  if (pid === 0) {
    if (locks) {
      if (libc === 'glibc') yield* mallocForkUnlockChild();
      for (const f of FILE_LOCKS) yield { k: 'reset', m: f };
      // Not `for (const id of yield* ...)`: QuickJS, which runs the library in the CLI's sandbox,
      // fails to compile it ("stack underflow"), and with it the whole library.
      const files = yield* openFiles();
      for (const id of files) yield { k: 'reset', m: fileLock(id) };
      yield { k: 'reset', m: IO_LIST_LOCK };
    }
    if (libc !== 'none') yield { k: 'reset', m: DL_LOAD_LOCK };
    for (let i = 0; i < handlers.length; i++) {
      const h = handlers[i]!;
      if (!h.child) continue;
      yield h.internal
        ? { k: 'atfork_run', phase: 'child', index: i, internal: h.internal }
        : { k: 'atfork_run', phase: 'child', index: i };
      yield* runHandler(h.child);
    }
  } else {
    if (locks) {
      if (libc === 'glibc') yield* mallocForkUnlockParent();
      yield { k: 'unlock', m: IO_LIST_LOCK };
    }
    for (let i = 0; i < handlers.length; i++) {
      const h = handlers[i]!;
      if (!h.parent) continue;
      yield h.internal
        ? { k: 'atfork_run', phase: 'parent', index: i, internal: h.internal }
        : { k: 'atfork_run', phase: 'parent', index: i };
      yield* runHandler(h.parent);
    }
  }
  return pid;
}

/** The raw fork (glibc 2.34's _Fork, Plash's kernel_fork): no handlers, no lock taken or reset. */
export function* _Fork(): G<number> {
  return (yield { k: 'fork_raw', raw: true }) as number;
}

/** waitpid(pid, &status, options): with WNOHANG it returns pid 0 at once when no child has exited. */
export function* waitpid(pid: number, options = 0): G<{ pid: number; status: number }> {
  const nohang = (options & WNOHANG) !== 0;
  return (yield nohang ? { k: 'waitpid', pid, nohang } : { k: 'waitpid', pid }) as { pid: number; status: number };
}
export const WIFEXITED = (status: number): boolean => (status & 0x7f) === 0;
export const WEXITSTATUS = (status: number): number => (status >> 8) & 0xff;
export const WIFSIGNALED = (status: number): boolean => (status & 0x7f) !== 0 && (status & 0x7f) !== 0x7f;
export const WTERMSIG = (status: number): number => status & 0x7f;

export { exit };

/** _exit(): ends the process at once, taking no lock. */
export function* _exit(status = 0): G<never> {
  yield { k: 'exit_group', status, how: '_exit' };
  throw new Error('_exit returned');
}
/**
 * A new image: locks, handlers and memory gone, close-on-exec descriptors closed. `env` is its
 * environment (envp); without it the image starts with the environment the process's image had.
 */
export function* execve(path: string, image: ThreadFn | null = null, env?: Record<string, string>): G<number> {
  return (yield env ? { k: 'execve', path, image, env } : { k: 'execve', path, image }) as number;
}

// ---- file descriptors ----

/**
 * open(path, flags): the lowest free descriptor, or -errno (-ENOENT, -EEXIST). Regular files, their
 * shared offsets and O_APPEND are modelled as Linux has them (sim/world/ops/file.ts); every directory
 * exists and only /dev/null is there before the program runs. The mode is not modelled (0600).
 */
export function* open(path: string, flags = 0): G<number> {
  return (yield { k: 'open', path, flags }) as number;
}
/** creat(path): open(path, O_CREAT | O_WRONLY | O_TRUNC) (man 2 creat). */
export function* creat(path: string): G<number> {
  return yield* open(path, O_CREAT | O_WRONLY | O_TRUNC);
}
/** lseek(fd, offset, whence): the new offset of fd's open file description (shared by dup and fork), or -errno. */
export function* lseek(fd: number, offset: number, whence: number): G<number> {
  return (yield { k: 'lseek', fd, off: offset, whence }) as number;
}
/** pread(fd, n, offset): up to n bytes at offset; the description's offset stays. */
export function* pread(fd: number, n: number, offset: number): G<string | number> {
  return (yield { k: 'pread', fd, n, at: offset }) as string | number;
}
/** pwrite(fd, text, offset): the bytes at offset (at the end with O_APPEND, as Linux does); the offset stays. */
export function* pwrite(fd: number, text: string, offset: number): G<number> {
  return (yield { k: 'pwrite', fd, text, at: offset }) as number;
}
export function* unlink(path: string): G<number> {
  return (yield { k: 'unlink', path }) as number;
}
export function* ftruncate(fd: number, length: number): G<number> {
  return (yield { k: 'ftruncate', fd, len: length }) as number;
}
/** fstat(fd): st_size, st_mode and st_ino, or -errno. */
/** fstat's answer: st_size, st_mode, st_ino, st_blksize, and whether the descriptor is a terminal. */
export interface Stat {
  size: number;
  mode: number;
  ino: number;
  blksize: number;
  tty: boolean;
}
export function* fstat(fd: number): G<Stat | number> {
  return (yield { k: 'fstat', fd }) as Stat | number;
}
const TEMP_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/**
 * mkstemp(template): glibc's __gen_tempname (misc/tempname.c): the last six characters, which must be
 * "XXXXXX" (else EINVAL), become letters, then open(name, O_RDWR | O_CREAT | O_EXCL, 0600); a name
 * that exists (EEXIST) is tried again with other letters. glibc draws them from getrandom; here they
 * come from the caller's tid and the attempt, so that a run replays the same names.
 */
export function* mkstemp(template: string, flags = 0): G<{ fd: number; path: string }> {
  if (!template.endsWith('XXXXXX')) return { fd: -EINVAL, path: template };
  const tid = (yield { k: 'self', what: 'tid' }) as number;
  for (let attempt = 0; attempt < 100; attempt++) {
    let v = tid * 7919 + attempt * 104_729;
    let letters = '';
    for (let i = 0; i < 6; i++, v = Math.floor(v / 62)) letters += TEMP_LETTERS[v % 62];
    const path = template.slice(0, -6) + letters;
    const fd = yield* open(path, (flags & ~3) | O_RDWR | O_CREAT | O_EXCL);
    if (fd !== -EEXIST) return { fd, path };
  }
  return { fd: -EEXIST, path: template };
}
export function* close(fd: number): G<number> {
  return (yield { k: 'close', fd }) as number;
}
export function* dup(fd: number): G<number> {
  return (yield { k: 'dup', fd }) as number;
}
export function* dup2(from: number, to: number): G<number> {
  return (yield { k: 'dup2', from, to }) as number;
}
export function* socketpair(flags = 0): G<[number, number]> {
  return (yield { k: 'socketpair', flags }) as [number, number];
}
export function* fcntl(fd: number, cmd: number, arg = 0): G<number> {
  return (yield { k: 'fcntl', fd, cmd, arg }) as number;
}
export function* write(fd: number, text: string): G<number> {
  return (yield { k: 'write', fd, text }) as number;
}
/** pipe2(fds, flags): [read end, write end] (sim/world/ops/pipe.ts has the semantics). */
export function* pipe(flags = 0): G<[number, number]> {
  return (yield { k: 'pipe', flags }) as [number, number];
}
/** read(fd, n) on a pipe: up to n bytes, '' at end of file, or -errno; on another fd, a line of stdin. */
export function* read(fd: number, n?: number): G<string | number> {
  return (yield n === undefined ? { k: 'read', fd } : { k: 'read', fd, n }) as string | number;
}
/** Plash: ask the server over fd 3 for a new connection (sendmsg, then recvmsg carrying the fd). */
export function* clone_connection(): G<number> {
  (yield { k: 'sendmsg', fd: 3, what: 'METHOD_FSOP_COPY' }) as number;
  return (yield { k: 'recvmsg_conn', fd: 3 }) as number;
}

// ---- libc (takes the internal locks real glibc takes under the chosen model) ----

export function* printf(text: string): G<number> {
  return yield* streamPrintf('printf', 'stdout', text);
}
/**
 * fprintf(stream, ...): vfprintf locks the stream it writes to, its own FILE lock (glibc 2.36
 * stdio-common/vfprintf-internal.c:764 `_IO_flockfile (s)`; for unbuffered stderr,
 * buffered_vfprintf:1752 does the same around a buffer on the stack, and allocates nothing).
 */
export function* fprintf(stream: 'stdout' | 'stderr', text: string): G<number> {
  return yield* streamPrintf('fprintf', stream, text);
}
function* streamPrintf(fn: string, stream: 'stdout' | 'stderr', text: string): G<number> {
  return yield* stdWrite(stream, [text], fn);
}
/** fflush(null) flushes every stream (list lock, then each FILE lock); fflush('stdout') one. */
export function* fflush(stream: null | 'stdout' | 'stderr' = null): G<number> {
  yield { k: 'enter', fn: 'fflush' };
  const r = stream === null ? (yield* fflushAll(), 0) : yield* stdFlush(stream);
  yield { k: 'leave', fn: 'fflush' };
  return r;
}
/** getline(&buf, &n, stdin): stdin's FILE lock held while the buffer grows with malloc. */
export function* getline(_stream: 'stdin' = 'stdin'): G<string> {
  yield { k: 'enter', fn: 'getline' };
  const libc = (yield { k: 'libc' }) as string;
  if (libc !== 'none') yield { k: 'lock', m: STDIN_LOCK };
  yield* malloc(120);
  const r = libc !== 'none' ? yield* stdinUnderflow({ k: 'read', fd: 0 }) : ((yield { k: 'read', fd: 0 }) as string);
  const line = typeof r === 'string' ? r : '';
  if (libc !== 'none') yield { k: 'unlock', m: STDIN_LOCK };
  yield { k: 'leave', fn: 'getline' };
  return line;
}
/** dlopen: the loader's recursive lock, with a malloc inside. */
export function* dlopen(name: string): G<number> {
  yield { k: 'enter', fn: 'dlopen' };
  const libc = (yield { k: 'libc' }) as string;
  if (libc !== 'none') yield { k: 'lock', m: DL_LOAD_LOCK };
  yield* malloc(64);
  const h = (yield { k: 'dl', name }) as number;
  if (libc !== 'none') yield { k: 'unlock', m: DL_LOAD_LOCK };
  yield { k: 'leave', fn: 'dlopen' };
  return h;
}

// ---- signals ----

/** `mask` (sa_mask): the signals blocked while the handler runs, besides `sig` itself. */
export function* sigaction(sig: string, handler: HandlerFn, mask?: readonly string[]): G<number> {
  return (yield mask === undefined
    ? { k: 'sigaction', sig, handler }
    : { k: 'sigaction', sig, handler, mask }) as number;
}
/** How pthread_sigmask changes the mask: add `set`, take it away, or replace the mask with it. */
export type SigmaskHow = 'block' | 'unblock' | 'setmask';
export const SIG_BLOCK: SigmaskHow = 'block';
export const SIG_UNBLOCK: SigmaskHow = 'unblock';
export const SIG_SETMASK: SigmaskHow = 'setmask';
/**
 * The calling thread's signal mask: changed by `set` as `how` says (null leaves it), answering the
 * old one. SIGKILL and SIGSTOP cannot be blocked (they are left out, as the kernel does). A blocked
 * signal stays pending until it is unblocked.
 */
export function* pthread_sigmask(how: SigmaskHow, set: readonly string[] | null): G<string[]> {
  return (yield { k: 'sigmask', how, set }) as string[];
}
/** glibc's sigprocmask is pthread_sigmask: it changes the calling thread's mask only. */
export const sigprocmask = pthread_sigmask;
/** The signals pending for the calling thread or its process that it blocks. */
export function* sigpending(): G<string[]> {
  return (yield { k: 'sigpending' }) as string[];
}
/** Replaces the mask with `set` until a signal handler has run, then restores it: answers -EINTR. */
export function* sigsuspend(set: readonly string[]): G<number> {
  return (yield { k: 'sigsuspend', set }) as number;
}
/** pause(): sigsuspend with the current mask. */
export function* pause(): G<number> {
  const mask = (yield { k: 'sigmask', how: 'block', set: null }) as string[];
  return (yield { k: 'sigsuspend', set: mask }) as number;
}
/** Waits until a signal of `set` (which the caller blocks) is pending, takes it, and answers its name. */
export function* sigwait(set: readonly string[]): G<string> {
  return (yield { k: 'sigwait', set }) as string;
}
export function* kill(pid: number, sig: string): G<number> {
  return (yield { k: 'kill', pid, sig }) as number;
}
export function* pthread_kill(tid: number, sig: string): G<number> {
  return (yield { k: 'tkill', tid, sig }) as number;
}
export function* raise(sig: string): G<number> {
  const tid = (yield { k: 'self', what: 'tid' }) as number;
  return (yield { k: 'tkill', tid, sig }) as number;
}

// ---- time ----

export function* nanosleep(ns: number): G<number> {
  return (yield { k: 'sleep', ns }) as number;
}
export function* usleep(us: number): G<number> {
  return (yield { k: 'sleep', ns: us * 1000 }) as number;
}
export function* sleep(s: number): G<number> {
  return (yield { k: 'sleep', ns: s * 1e9 }) as number;
}
