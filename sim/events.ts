// Trace events: what happened at each step, as a discriminated union on `type`.
// Views (timeline, state table, strace log) and the explanations are computed from these.

/** Fields every event has. `step` counts scheduler steps from 0; several events may share a step. */
export interface EventBase {
  step: number;
  pid: number;
  tid: number;
  /** Virtual time in nanoseconds when the event happened. */
  time: number;
}

type E<T extends string, F = unknown> = EventBase & { type: T } & F;

/** A lock in a process's memory: user mutexes and glibc's internal locks alike. */
export interface LockRef {
  addr: number;
  name: string;
  /** 'normal' | 'errorcheck' | 'recursive' for user mutexes; 'lll' for glibc's low-level locks. */
  kind: string;
}

export type TraceEvent =
  | E<'thread.start', { fn: string; args: unknown[] }>
  | E<'thread.create', { child: number }>
  | E<'thread.exit', { value: unknown }>
  | E<'thread.join', { target: number; value: unknown }>
  | E<'mutex.lock', { lock: LockRef; word: number; count?: number }>
  | E<'mutex.trylock', { lock: LockRef; result: number }>
  | E<'mutex.unlock', { lock: LockRef; result: number; word: number }>
  | E<'mutex.init', { lock: LockRef }>
  /** `cond`: the condition variable whose internal word it is (pthread_cond_signal waiting inside it). */
  | E<'futex.wait', { addr: number; val: number; lock?: string; cond?: string }>
  | E<'futex.wake', { addr: number; count: number; woken: number[]; lock?: string }>
  | E<'futex.resume', { addr: number; result: number }>
  | E<'sem.wait', { name: string; value: number; blocked: boolean }>
  | E<'sem.post', { name: string; value: number }>
  | E<'sem.init', { name: string; value: number }>
  | E<'cond.wait', { name: string; mutex: string }>
  | E<'cond.signal', { name: string; woken: number[]; broadcast: boolean }>
  | E<'cell.read', { name: string; value: unknown }>
  | E<'cell.write', { name: string; value: unknown }>
  | E<'atfork.register', { index: number }>
  | E<'atfork.run', { phase: 'prepare' | 'parent' | 'child'; index: number; internal?: string }>
  | E<'fork', { child: number; raw: boolean }>
  | E<'fork.child', { parent: number; parentTid: number }>
  | E<'libc.lock-reset', { lock: LockRef; how: 'reinit' | 'unlock' }>
  | E<'libc.call', { fn: string; phase: 'enter' | 'leave'; detail?: string }>
  | E<'proc.exit', { status: number; how: 'exit' | '_exit' | 'return' | 'exec-image' | 'signal' }>
  /** nohang: WNOHANG was passed; with status null it returned 0 (no child had changed state). */
  | E<'proc.wait', { child: number; status: number | null; blocked: boolean; nohang?: boolean }>
  | E<'proc.exec', { path: string; closed: number[] }>
  /** fd is -1 and result -errno when open failed. */
  | E<'fd.open', { fd: number; path: string; flags: string[]; result?: number }>
  | E<'fd.close', { fd: number; result: number }>
  | E<'fd.dup2', { from: number; to: number; result: number }>
  | E<'fd.socketpair', { fds: [number, number]; flags: string[] }>
  | E<'fd.inherit', { fds: number[] }>
  | E<'fd.leak', { fd: number; owner: number; intoPid: number }>
  | E<'sys.sendmsg', { fd: number; bytes: number; what: string }>
  | E<'sys.recvmsg', { fd: number; bytes: number; what: string; fds?: number[] }>
  /** at: pwrite's offset. */
  | E<'io.write', { fd: number; text: string; at?: number }>
  /** A read from a pipe or a file: the bytes it returned ('' at end of file), the count asked, pread's offset. */
  | E<'io.read', { fd: number; text: string; n?: number; at?: number }>
  /** A call on files that strace shows as it is (lseek, unlink, ftruncate, fstat): result or -errno. */
  | E<'sys.file', { call: string; args: string; result: number }>
  | E<'fd.pipe', { fds: [number, number]; flags: string[] }>
  | E<'signal.send', { sig: string; target: number; targetIsPid: boolean }>
  | E<'signal.deliver', { sig: string }>
  | E<'signal.return', { sig: string }>
  /** pthread_sigmask: how, the set given (null: only read), and the mask after. */
  | E<'signal.mask', { how: string; set: string[] | null; mask: string[] }>
  /** sigsuspend: the thread waits with this mask until a handler has run... */
  | E<'signal.suspend', { mask: string[] }>
  /** ...and then returns (-1, EINTR), its mask put back. */
  | E<'signal.resume', Record<never, never>>
  /** sigwait took this pending signal. */
  | E<'signal.wait', { sig: string }>
  | E<'time.sleep', { ns: number; until: number }>
  | E<'unsafe-call', { fn: string; context: 'fork-child' | 'signal-handler' }>
  | E<'assert.fail', { message: string }>
  | E<'error', { message: string }>;

export type TraceEventType = TraceEvent['type'];

/** Exhaustiveness helper for switches over event types. */
export function assertNever(x: never): never {
  throw new Error(`unhandled event: ${JSON.stringify(x)}`);
}
