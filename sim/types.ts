// Public types of the simulator: program options, exploration options, reports and findings,
// and the Run contract between the world (sim/world) and the strategies (sim/explore).
import type { LockRef, TraceEvent } from './events.ts';
import type { ObjectKey } from './access.ts';
import type { TransitionId } from './transition.ts';

/** Which libc the program runs against. See sim/README.md. */
export type LibcModel = 'none' | 'glibc-2.7' | 'glibc';

/** Options a program module may export as `options`. */
export interface ProgramOptions {
  libc?: LibcModel;
  /** Report non-async-signal-safe calls in the child of a multi-threaded process as findings. */
  strict?: boolean;
  /** Every process starts with a Plash server connection at fd 3. */
  plash?: boolean;
  /**
   * 'exact' (default): a contended lock is glibc's two steps, a FUTEX_WAIT and a retry after the wake.
   * 'blocking': a thread whose lock is held by a live thread of its process simply waits until it is
   * free (no futex events in the parent); a lock held by a thread fork left behind, or by the caller
   * itself, still ends in FUTEX_WAIT. Both reach the same lock orders and findings; 'blocking' has far
   * fewer schedules (n! for n contending threads instead of 4, 42, 864, ... for 2, 3, 4).
   */
  futex?: 'exact' | 'blocking';
  /**
   * What the first process's fd 1 is. 'terminal' (default): fds 0, 1 and 2 are the reader's terminal, so
   * glibc makes stdout line buffered (1024 bytes, a pty's st_blksize). 'pipe': fd 1 is a pipe whose
   * reader is outside the run (`prog | cat`), so stdout is fully buffered (4096 bytes) and output
   * printed before a fork is in the child's copy of the buffer too. sim/api/stdio.ts has the rule.
   */
  stdout?: 'terminal' | 'pipe';
}

export type Verdict = 'ok' | 'deadlock' | 'assertion' | 'fd-leak' | 'unsafe-call' | 'error';

/** Worst first: the report's verdict is the most severe finding. */
export const VERDICT_SEVERITY: readonly Verdict[] = ['error', 'deadlock', 'assertion', 'fd-leak', 'unsafe-call', 'ok'];

/** What an example module declares it must produce (checked by the test suite). */
export interface Expected {
  verdict: Verdict;
  /** Other finding kinds that must also be reported (e.g. deadlock plus unsafe-call). */
  also?: Verdict[];
}

/** A loaded program: what the world needs to run it. */
export interface Program {
  main: (...args: unknown[]) => Generator<unknown, unknown, unknown>;
  options: ProgramOptions;
  expected?: Expected | undefined;
  /** Shown in reports and errors. */
  name?: string;
}

export type StrategyName = 'dpor' | 'enumerate' | 'random' | 'pct' | 'replay';

/** Every bound and strategy choice, in one object. */
export interface ExploreOptions {
  strategy?: StrategyName;
  /** Steps in one execution before it is cut off (a runaway thread is named). */
  maxSteps?: number;
  /** Executions before the search stops. */
  maxExecutions?: number;
  /** Wall-clock budget in milliseconds. */
  maxTimeMs?: number;
  /** Optional preemption bound (undefined: unbounded). */
  preemptionBound?: number;
  /**
   * dpor: recognise states whose future has been explored (Run.fingerprint) and do not explore it
   * again: true from the start, false never, a number after that many executions (200 by default,
   * CACHE_AFTER in sim/explore/dpor.ts); off under a preemption bound. See sim/README.md, "State caching".
   */
  stateCache?: boolean | number;
  /** random / pct: number of runs and the seed. */
  runs?: number;
  seed?: number;
  /** pct: bug depth. */
  depth?: number;
  /** replay: the schedule string to follow. */
  schedule?: string;
  /**
   * Stop at the first deadlock or exception (default true for dpor/enumerate: the counterexample is
   * what readers want). Lesser findings do not stop the search, since another schedule may deadlock.
   * A search stopped this way counts as complete: its counterexample is definitive.
   */
  stopAtFirst?: boolean;
  /**
   * dpor with stopAtFirst: the runs of a PCT probe (seed, depth as above) interleaved with DPOR's
   * executions after its first 50 (one in three), to reach a deep bug sooner (default 100; 0: none).
   */
  probe?: number;
  /** Called now and then with progress, for live views. Return false to cancel. */
  onProgress?: (p: Progress) => boolean | void;
}

export interface Progress {
  executions: number;
  elapsedMs: number;
  findings: number;
}

/** Why a search ended. */
export type Completeness =
  | { complete: true }
  | {
      complete: false;
      stoppedBy: 'maxExecutions' | 'maxTime' | 'preemptionBound' | 'maxSteps' | 'cancelled' | 'sampling';
    };

/** What a stuck thread waits for: one case per blocking call the world models. */
export type WaitTarget =
  /** A mutex or one of glibc's internal locks, in FUTEX_WAIT (or waiting to take it). */
  | { kind: 'mutex'; name: string; addr: number }
  /** pthread_cond_wait, not yet signalled (once signalled it waits for its mutex: 'mutex'). */
  | { kind: 'cond'; name: string }
  /** sem_wait on a semaphore whose value is 0. */
  | { kind: 'sem'; name: string }
  /** read on an empty pipe or write on a full one, named by its fd. */
  | { kind: 'pipe'; name: string }
  /** pthread_join on a thread that never finishes. */
  | { kind: 'join'; tid: number }
  /** waitpid on a child that never exits. */
  | { kind: 'waitpid'; pid: number }
  /** sigsuspend or sigwait, for a signal no thread sends (named by the call, or the set). */
  | { kind: 'signal'; name: string }
  /** An operation whose model has no blocking rule of its own (named by its op kind). */
  | { kind: 'op'; op: string };

/** One thread that can never run again, explained. */
export interface StuckThread {
  pid: number;
  tid: number;
  /** What it waits for, e.g. { kind: 'mutex', name: 'libc_lock', addr } or { kind: 'waitpid', pid }. */
  waitsFor: WaitTarget;
  /** The tid recorded as the owner (for locks), if any. */
  holder?: number;
  /** True when the holder does not exist in this process: fork left the lock behind. */
  holderLeftBehindByFork?: boolean;
  /**
   * True when the holder is the thread that called fork (in the parent) and this thread is its copy:
   * the lock was taken before the fork by the very thread the child continues, not left behind by
   * another one.
   */
  holderIsForkingThread?: boolean;
  /** One sentence in words. */
  sentence: string;
}

export interface Finding {
  kind: Exclude<Verdict, 'ok'>;
  /** One or two sentences: what went wrong. */
  message: string;
  /** For deadlocks: every stuck thread. */
  stuck?: StuckThread[];
  /** The schedule that reproduces it, as a short string (see sim/explore/schedule.ts). */
  schedule: string;
  /** The trace of the counterexample. */
  trace: TraceEvent[];
  /** Set when the finding is that an execution reached the step bound: the search is not complete. */
  cut?: 'maxSteps';
}

export interface Stats {
  executions: number;
  /** Executions cut short by sleep sets or bounds (not counted as distinct outcomes). */
  blocked?: number;
  distinctOutcomes: number;
  elapsedMs: number;
  /** random / pct: how many of the runs went wrong. */
  failedRuns?: number;
  runs?: number;
}

export interface Report {
  verdict: Verdict;
  completeness: Completeness;
  /** Most severe first; one per kind, each with its counterexample. */
  findings: Finding[];
  /** Things worth saying that are not bugs (e.g. printf in a child, which glibc makes work). */
  notes: string[];
  stats: Stats;
  strategy: StrategyName;
  /** For ok runs: the schedule and trace of one representative execution, so views can show it. */
  sample?: { schedule: string; trace: TraceEvent[] };
}

/** A step the scheduler may choose: a thread's next operation, or a variant of it. */
export interface Transition {
  /** Stable across re-executions of the same prefix: e.g. "1001", "1001!SIGUSR1", "1003~spurious" (sim/transition.ts). */
  id: TransitionId;
  tid: number;
  pid: number;
}

/** An object a step touched, for the dependency relation of partial-order reduction. */
export interface Access {
  /** A key naming one object, e.g. "1000/m:libc_lock", "1000/fd", "1000/*" (whole process): see sim/access.ts. */
  obj: ObjectKey;
  write: boolean;
  /**
   * Optional: the step could only run once a write to this object happened, and that condition never
   * reverts (pthread_join of a thread that exited, waitpid of a process that exited). Partial-order
   * reduction then knows the step cannot be moved before that write and does not try.
   */
  await?: boolean;
}

export interface StepResult {
  accesses: Access[];
  events: TraceEvent[];
}

/** One execution of a program, driven one transition at a time. The world implements it. */
export interface Run {
  /** Transitions enabled now. Empty when the run is over (finished, deadlocked or failed). */
  enabled(): Transition[];
  /**
   * The access set the given enabled transition would have, without running it. A whole-process
   * write ("PID/*") that step() would report must show here already: the explorer asks for the
   * blocked threads (blocked()) only before such a step.
   */
  peek(t: Transition): Access[];
  /** Run one transition atomically. */
  step(id: string): StepResult;
  /** The findings of this execution so far (a finished or stuck run is final). */
  findings(): Omit<Finding, 'schedule'>[];
  notes(): string[];
  /** A summary of the final state used to count distinct outcomes. */
  outcome(): string;
  /** The whole trace so far. */
  trace(): TraceEvent[];
  /** The current state, for views (threads, locks, fds, time). */
  snapshot(): WorldSnapshot;
  /**
   * Optional: the threads that have a next operation but cannot take it now (waiting on a semaphore,
   * a join, a waitpid...), with the accesses that operation would make. Partial-order reduction
   * needs them: a thread blocked until the end never runs, so without this no race would show that
   * it should have gone first. A blocking operation that always runs as a step (a futex lock
   * attempt that then waits) needs no entry.
   */
  blocked?(): BlockedStep[];
  /**
   * Every thread that has not exited, in creation order, with the operation object it yielded and
   * waits to run or is blocked in (null while it has none). Views use it to say where each thread is
   * in the program (the Playground's per-thread line highlight reads the op's mark, sim/position.ts).
   */
  pendingOps(): { tid: number; op: object | null }[];
  /**
   * Optional: the current state as a string, equal for two states exactly when their futures are the
   * same (transitions, accesses, effects, findings); a stateful search explores such a future once.
   */
  fingerprint?(): string;
}

/** A thread's next operation that is not enabled now, and what it would access. */
export interface BlockedStep {
  transition: Transition;
  accesses: Access[];
}

/** What Run.snapshot() returns: the state after the latest step, as plain data for the state table. */
export interface WorldSnapshot {
  step: number;
  processes: {
    pid: number;
    ppid: number;
    exited: boolean;
    status: number;
    threads: {
      tid: number;
      state: 'runnable' | 'blocked' | 'exited';
      /** What a blocked thread waits for, as a deadlock finding would say; null unless blocked. */
      waitsFor: WaitTarget | null;
      next: string | null;
      clock: number;
    }[];
    locks: (LockRef & { word: number; owner: number; count: number; waiters: number[] })[];
    cells: { name: string; value: unknown }[];
    fds: { fd: number; path: string; ofd: number; cloexec: boolean; clofork: boolean; owner: number | null }[];
  }[];
}
