// The state after step N, rebuilt from a trace alone: processes and their threads (what each waits
// for), the locks held and by whom (and whether the holder exists in that process), shared variables,
// descriptors and time. The one reconstruction the views share (the state table, the explanations and
// the timeline, which follows a TraceState event by event); tests/sim/render-state.test.ts holds it to
// the world's own snapshot after every step of every example's counterexample.
import type { TraceEvent } from '../events.ts';
import type { WaitTarget } from '../types.ts';

export interface ThreadState {
  tid: number;
  /** The function it runs (its thread.start), '' for a forked child's copy of its parent's thread. */
  fn: string;
  /**
   * 'blocked' when the trace shows it asleep (a futex wait, a condition variable, a waitpid that
   * ended the run). A call that waits without taking a step (pthread_join, waitpid, sem_wait on 0, a
   * pipe) leaves nothing in the trace until it returns: its thread reads as 'running' meanwhile.
   */
  status: 'running' | 'blocked' | 'exited';
  /** What it waits for, in words, when blocked. */
  waits?: string;
  /** What it waits for, when blocked: the same target the world's snapshot and deadlock finding name. */
  waitsFor?: WaitTarget;
}

export interface LockState {
  name: string;
  addr: number;
  kind: string;
  /** The tid recorded as the owner. */
  owner: number;
  /** The owner is not a live thread of this process: fork copied the lock but not its holder. */
  orphan: boolean;
}

export interface ProcessState {
  pid: number;
  /** 0 for the first process. */
  ppid: number;
  exited: boolean;
  /** The wait status (exit code << 8, or the signal number) once exited, else 0. */
  status: number;
  threads: ThreadState[];
  /** Locks held (free ones are left out), in the order first taken. */
  locks: LockState[];
  /** Shared variables the process has used (or inherited), with their values. */
  cells: { name: string; value: unknown }[];
  /** Open descriptors, lowest first, with what they name (a path, "socket:[pair]", ...). */
  fds: { fd: number; path: string }[];
}

export interface StateAfter {
  /** The step the state follows. */
  step: number;
  /** The latest virtual time seen. */
  time: number;
  processes: ProcessState[];
}

export interface StateOptions {
  /** The program's options.plash: the first process starts with the server connection at fd 3. */
  plash?: boolean;
}

/** A held lock as the trace has it so far. */
export type HeldLock = Omit<LockState, 'orphan'>;

/** One process as the trace has it so far (read-only for views that follow the trace). */
export interface TracedProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly exited: boolean;
  readonly status: number;
  readonly threads: ReadonlyMap<number, Readonly<ThreadState>>;
  /** Held locks by name, in the order first taken. */
  readonly locks: ReadonlyMap<string, Readonly<HeldLock>>;
}

interface Proc {
  pid: number;
  ppid: number;
  exited: boolean;
  status: number;
  threads: Map<number, ThreadState>;
  locks: Map<string, HeldLock>;
  cells: Map<string, unknown>;
  fds: Map<number, string>;
}

const TTY = '/dev/tty';
const PLASH = 'socket:[plash-server]';

/** The state once every event whose step is at most `step` has happened. */
export function stateAt(trace: readonly TraceEvent[], step: number, options: StateOptions = {}): StateAfter {
  const s = new TraceState(options);
  for (const e of trace) {
    if (e.step > step) break;
    s.apply(e);
  }
  return s.after(step);
}

const run = (t: ThreadState): void => {
  t.status = 'running';
  delete t.waits;
  delete t.waitsFor;
};
const wait = (t: ThreadState, what: string, target: WaitTarget): void => {
  t.status = 'blocked';
  t.waits = what;
  t.waitsFor = target;
};
const end = (t: ThreadState): void => {
  t.status = 'exited';
  delete t.waits;
  delete t.waitsFor;
};

/** The state of a run built up one trace event at a time: stateAt's fold, for views that follow it. */
export class TraceState {
  private readonly procs = new Map<number, Proc>();
  private time = 0;

  constructor(private readonly options: StateOptions = {}) {}

  /** Every process seen so far, in order of appearance. */
  processes(): Iterable<TracedProcess> {
    return this.procs.values();
  }

  private newProc(pid: number, ppid: number): Proc {
    const p: Proc = {
      pid,
      ppid,
      exited: false,
      status: 0,
      threads: new Map(),
      locks: new Map(),
      cells: new Map(),
      fds: new Map(),
    };
    this.procs.set(pid, p);
    return p;
  }

  private proc(pid: number): Proc {
    const p = this.procs.get(pid);
    if (p) return p;
    // The first process: the terminal at 0, 1 and 2 (and Plash's server connection).
    const first = this.newProc(pid, 0);
    for (const fd of [0, 1, 2]) first.fds.set(fd, TTY);
    if (this.options.plash) first.fds.set(3, PLASH);
    return first;
  }

  /** Threads woken by a FUTEX_WAKE or a condition signal, by tid (they may be in another map entry). */
  private threadByTid(tid: number): ThreadState | undefined {
    for (const p of this.procs.values()) {
      const t = p.threads.get(tid);
      if (t) return t;
    }
    return undefined;
  }

  apply(e: TraceEvent): void {
    this.time = Math.max(this.time, e.time);
    const p = this.proc(e.pid);
    if (e.type === 'proc.exit') {
      // Said of the process: the thread named is the one that ended it (maybe in another process).
      p.exited = true;
      p.status = e.how === 'signal' ? e.status : e.status << 8;
      for (const u of p.threads.values()) end(u);
      return;
    }
    let t = p.threads.get(e.tid);
    if (!t) {
      t = { tid: e.tid, fn: '', status: 'running' };
      p.threads.set(e.tid, t);
    }
    switch (e.type) {
      case 'thread.start':
        t.fn = e.fn;
        break;
      case 'thread.exit':
        end(t);
        break;
      case 'thread.join':
        run(t);
        break;
      case 'mutex.lock':
        run(t);
        p.locks.set(e.lock.name, { name: e.lock.name, addr: e.lock.addr, kind: e.lock.kind, owner: e.tid });
        break;
      case 'mutex.trylock':
        if (e.result === 0)
          p.locks.set(e.lock.name, { name: e.lock.name, addr: e.lock.addr, kind: e.lock.kind, owner: e.tid });
        break;
      case 'mutex.unlock':
        // A recursive mutex still held (its count went down) keeps its word and its owner.
        if (e.result === 0 && e.word === 0) p.locks.delete(e.lock.name);
        break;
      case 'mutex.init':
      case 'libc.lock-reset':
        p.locks.delete(e.lock.name);
        break;
      case 'futex.wait': {
        const lock = e.lock ?? '0x' + e.addr.toString(16);
        // A word inside a condition variable (pthread_cond_signal waiting for its internal lock) is
        // a wait on that condition variable, as the world says; any other futex here is a lock's.
        wait(
          t,
          `the lock ${lock} (futex wait)`,
          e.cond !== undefined ? { kind: 'cond', name: e.cond } : { kind: 'mutex', name: lock, addr: e.addr },
        );
        break;
      }
      case 'futex.wake':
        // The woken thread leaves the queue; its next step retries the exchange.
        for (const tid of e.woken) {
          const u = this.threadByTid(tid);
          if (u) run(u);
        }
        break;
      case 'futex.resume':
        run(t);
        break;
      case 'sem.wait':
        run(t);
        break;
      case 'cond.wait':
        wait(t, `condition variable ${e.name}`, { kind: 'cond', name: e.name });
        break;
      case 'cond.signal':
        for (const tid of e.woken) {
          const u = this.threadByTid(tid);
          if (u) run(u);
        }
        break;
      case 'cell.read':
      case 'cell.write':
        p.cells.set(e.name, e.value);
        break;
      case 'proc.wait':
        if (e.blocked) wait(t, `process ${e.child} to exit`, { kind: 'waitpid', pid: e.child });
        else run(t);
        break;
      case 'signal.suspend':
        wait(t, 'a signal (sigsuspend)', { kind: 'signal', name: 'sigsuspend' });
        break;
      case 'signal.resume':
        run(t);
        break;
      case 'signal.deliver':
        // A handler runs on a thread waiting in sigsuspend (which returns once it has run).
        if (t.waitsFor?.kind === 'signal') run(t);
        break;
      case 'fork': {
        const c = this.newProc(e.child, e.pid);
        for (const [name, l] of p.locks) c.locks.set(name, { ...l });
        for (const [name, v] of p.cells) c.cells.set(name, v);
        // The descriptors the child gets are listed by its fd.inherit event.
        c.fds = new Map(p.fds);
        break;
      }
      case 'fd.inherit':
        // The descriptors fork copied; close-on-fork ones stayed in the parent.
        for (const fd of [...p.fds.keys()]) if (!e.fds.includes(fd)) p.fds.delete(fd);
        break;
      case 'proc.exec':
        for (const fd of e.closed) p.fds.delete(fd);
        // A new image: memory is gone, and so is every other thread.
        p.locks.clear();
        p.cells.clear();
        for (const u of p.threads.values()) if (u.tid !== e.tid) end(u);
        break;
      case 'fd.open':
        if (e.fd >= 0) p.fds.set(e.fd, e.path);
        break;
      case 'fd.close':
        p.fds.delete(e.fd);
        break;
      case 'fd.dup2':
        if (e.result >= 0 && e.from !== e.to) p.fds.set(e.to, p.fds.get(e.from) ?? `fd ${e.from}`);
        break;
      case 'fd.socketpair':
        p.fds.set(e.fds[0], 'socket:[pair]');
        p.fds.set(e.fds[1], 'socket:[pair]');
        break;
      case 'fd.pipe':
        p.fds.set(e.fds[0], 'pipe (read end)');
        p.fds.set(e.fds[1], 'pipe (write end)');
        break;
      case 'sys.recvmsg':
        for (const fd of e.fds ?? []) p.fds.set(fd, PLASH);
        break;
      default:
        break;
    }
  }

  /** The state so far as plain data, said to follow `step`. */
  after(step: number): StateAfter {
    return {
      step,
      time: this.time,
      processes: [...this.procs.values()].map((p) => {
        const live = (tid: number) => {
          const u = p.threads.get(tid);
          return !!u && u.status !== 'exited';
        };
        return {
          pid: p.pid,
          ppid: p.ppid,
          exited: p.exited,
          status: p.status,
          threads: [...p.threads.values()].map((t) => ({ ...t })),
          locks: [...p.locks.values()].map((l) => ({ ...l, orphan: !p.exited && !live(l.owner) })),
          cells: [...p.cells].map(([name, value]) => ({ name, value })),
          fds: [...p.fds].sort((a, b) => a[0] - b[0]).map(([fd, path]) => ({ fd, path })),
        };
      }),
    };
  }
}
