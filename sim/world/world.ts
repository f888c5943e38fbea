// The world's core: one execution of a program, driven one transition at a time (the Run contract).
// Threads are generators; every step's accesses, effects and blocking rule come from its op model
// (ops/), and the world implements the Kernel those models work through. The world never chooses:
// every source of nondeterminism is a transition the caller picks.
import type {
  Access,
  BlockedStep,
  Finding,
  LibcModel,
  Program,
  Run,
  StepResult,
  StuckThread,
  Transition,
  WorldSnapshot,
} from '../types.ts';
import type { TraceEvent } from '../events.ts';
import {
  AssertionFailure,
  INSTANT_OPS,
  type CellHandle,
  type InstantOp,
  type MutexHandle,
  type Op,
  type StepOp,
  type ThreadFn,
} from '../api/ops.ts';
import { MALLOC_ATFORK_2_7 } from '../api/malloc-atfork.ts';
import { key } from '../access.ts';
import { newFileSystem } from './ops/file.ts';
import { parseId, plainId, signalId, spuriousId } from '../transition.ts';
import type { CellObj, FdEntry, MemObj, MutexObj, Proc, Thread } from './state.ts';
import { memObj } from './memory.ts';
import { cloneValue, NondeterminismError, wrapMain, type Actor, type EventBody, type Kernel } from './kernel.ts';
import { modelOf } from './ops/index.ts';
import { SPURIOUS_PER_THREAD, spurious, spuriousAccesses, spuriousAvailable } from './ops/cond.ts';
import { instant } from './ops/libc.ts';
import { newArenas } from './ops/malloc.ts';
import { MAIN_ARENA_NAME } from '../api/libc-locks.ts';
import { deliver, deliverable, deliveryAccesses, NO_SIGNALS } from './ops/signal.ts';
import { deadlockOf, explainStuck } from './deadlock.ts';
import { snapshotOf } from './snapshot.ts';
import { fingerprintOf } from './fingerprint.ts';

/** States whose fingerprint could not be computed, numbered (each its own name). */
let unnamedStates = 0;

/** Steps looked back on to name the thread that loops when an execution hits maxSteps. */
const LOOP_WINDOW = 512;

export interface RunOptions {
  /** Steps before the execution is cut off and the busiest live thread is named (default 10000). */
  maxSteps?: number;
  /** First pid (default 1000). */
  firstPid?: number;
}

/** Creates one execution of `program`. Call enabled()/step() until enabled() is empty. */
export function createRun(program: Program, opts: RunOptions = {}): Run {
  return new World(program, opts);
}

class World implements Run, Kernel {
  readonly libc: LibcModel;
  readonly strict: boolean;
  readonly blockingLocks: boolean;
  private readonly maxSteps: number;
  /** The first process's pid (RunOptions.firstPid), and how many threads and processes each thread has made (nextId). */
  private readonly rootId: number;
  private readonly made = new Map<number, number>();
  private ofdCounter = 1;
  private readonly opened = new Map<number, number>();
  private stepNo = 0;
  private readonly procs = new Map<number, Proc>();
  private readonly threads = new Map<number, Thread>();
  /** Every thread ever created, in creation order (exited ones stay, for explanations). */
  private readonly threadOrder: Thread[] = [];
  private readonly traceLog: TraceEvent[] = [];
  /** Where the current step's events start in traceLog. */
  private stepStart = 0;
  private readonly found: Omit<Finding, 'schedule'>[] = [];
  private readonly noteList: string[] = [];
  private readonly noteSet = new Set<string>();
  private failed = false;
  private finalized = false;
  private enabledCache: Transition[] | null = null;
  /** Each thread's plain transition, made once (enabled() names every runnable thread at every step). */
  private readonly plainTransitions = new Map<number, Transition>();
  /** Each thread's read of its signal state, made once: every step of the thread has it (a tid keeps its pid). */
  private readonly signalReads = new Map<number, Access>();
  /** The latest peek(), valid until the next step. */
  private peekStep = -1;
  private peekId = '';
  private peekAccesses: Access[] = [];
  private readonly stdin: string[] = [];
  readonly fs = newFileSystem();
  private readonly shm = new Map<string, CellObj>();
  /** The tids of the latest steps (a ring of LOOP_WINDOW), to name the thread that loops. */
  private readonly recent: number[] = [];

  constructor(program: Program, opts: RunOptions) {
    this.libc = program.options.libc ?? 'glibc';
    this.strict = program.options.strict ?? false;
    this.blockingLocks = program.options.futex === 'blocking';
    this.maxSteps = opts.maxSteps ?? 10_000;
    this.rootId = opts.firstPid ?? 1000;
    const pid = this.rootId;
    const proc = this.newProc(pid, 0);
    const ofdTty: FdEntry['ofd'] = { id: this.nextOfd(), path: '/dev/tty' };
    for (const fd of [0, 1, 2]) proc.fds.set(fd, { ofd: ofdTty, cloexec: false, clofork: false });
    if (program.options.stdout === 'pipe')
      proc.fds.set(1, { ofd: { id: this.nextOfd(), path: 'pipe:[stdout]' }, cloexec: false, clofork: false });
    if (program.options.plash) {
      proc.fds.set(3, { ofd: { id: this.nextOfd(), path: 'socket:[plash-server]' }, cloexec: false, clofork: false });
    }
    const out = program.options.stdout;
    if (out !== undefined && out !== 'terminal' && out !== 'pipe') {
      this.fail('error', `options.stdout must be 'terminal' or 'pipe', not ${JSON.stringify(out)}`);
      return;
    }
    if (!['none', 'glibc-2.7', 'glibc'].includes(this.libc)) {
      this.fail('error', `options.libc must be 'none', 'glibc-2.7' or 'glibc', not ${JSON.stringify(this.libc)}`);
      return;
    }
    if (typeof program.main !== 'function') {
      this.fail('error', 'the program has no main thread: export default function* main() { ... }');
      return;
    }
    const main = wrapMain(program.main);
    const t = this.newThread(pid, pid, main, []);
    // The first thread to malloc gets main_arena (ptmalloc_init); that is always main, whose
    // pthread_create already calls malloc (measured on glibc 2.36: mallinfo2 after pthread_create).
    t.arena = MAIN_ARENA_NAME;
    this.emit(t, { type: 'thread.start', fn: program.main.name || 'main', args: [] });
    this.drive(t, undefined);
  }

  // ---------------------------------------------------------------- the kernel interface (kernel.ts)

  nextId(by: Thread): number {
    // Named by who made it, never by when (sim/README.md, the world, "Ids"): the k-th thread or
    // process made by the first process's main thread is root + k, by any other thread T*100 + k,
    // so a search that reorders two creations in different threads gets the same ids both ways.
    const k = countUp(this.made, by.tid);
    const id = by.tid === this.rootId ? this.rootId + k : by.tid * 100 + k;
    const roomy = by.tid === this.rootId ? k <= 99 * this.rootId : k <= 99 && id <= 0x7fff_ffff;
    if (!roomy)
      this.fail(
        'error',
        by.tid === this.rootId
          ? `thread ${by.tid} made more than ${99 * this.rootId} threads and processes: the simulator has no ids left for them`
          : `thread ${by.tid} made more than 99 threads and processes, or they nest too deep: the simulator names each by who made it and has no id left for this one`,
        by,
      );
    return id;
  }

  nextOfd(by?: Thread): number {
    // The world's own descriptions (the terminal, ...) count from 1; a thread's are named by the
    // thread, as ids are (nextId), so that opens in two threads commute.
    if (by === undefined) return this.ofdCounter++;
    return by.tid * 100_000 + countUp(this.opened, by.tid);
  }

  proc(pid: number): Proc | undefined {
    return this.procs.get(pid);
  }

  allProcs(): Iterable<Proc> {
    return this.procs.values();
  }

  procOf(t: Thread): Proc {
    return this.procs.get(t.pid)!;
  }

  thread(tid: number): Thread | undefined {
    return this.threads.get(tid);
  }

  readStdin(): string {
    return this.stdin.shift() ?? '';
  }

  // ---------------------------------------------------------------- construction

  newProc(pid: number, ppid: number): Proc {
    const p: Proc = {
      pid,
      ppid,
      mem: new Map(),
      fds: new Map(),
      atfork: this.libc === 'glibc-2.7' ? [MALLOC_ATFORK_2_7] : [],
      handlers: new Map(),
      pendingSigs: [],
      threads: [],
      multiThreaded: false,
      childOfMultiThreaded: false,
      exited: false,
      status: 0,
      exitTime: 0,
      reaped: false,
      heapNext: 0x5555_5555_9000,
      stdioBufs: [],
      stdStreams: {},
      environ: { init: {}, set: [] },
      arenas: newArenas(),
      children: [],
    };
    this.procs.set(pid, p);
    return p;
  }

  newThread(tid: number, pid: number, fn: ThreadFn, args: unknown[], clock = 0): Thread {
    const t: Thread = {
      tid,
      pid,
      fn,
      args,
      frames: [],
      pending: null,
      phase: 'run',
      exited: false,
      exitValue: undefined,
      exitTime: 0,
      joined: false,
      clock,
      record: [],
      steps: 0,
      pendingSigs: [],
      sigmask: NO_SIGNALS,
      tcb: tid,
      spuriousLeft: SPURIOUS_PER_THREAD,
      arena: null,
      tcache: null,
      started: false,
    };
    this.threads.set(tid, t);
    this.threadOrder.push(t);
    this.procs.get(pid)!.threads.push(tid);
    t.frames.push({ gen: fn(...(args as never[])), libcDepth: 0 });
    return t;
  }

  // ---------------------------------------------------------------- events, findings

  emit(t: Actor, body: EventBody): void {
    // Object.assign rather than a spread after the header: the same event, copied by a faster path.
    const e = Object.assign({ step: this.stepNo, pid: t.pid, tid: t.tid, time: t.clock }, body);
    this.traceLog.push(e);
  }

  addFinding(kind: Finding['kind'], message: string, stuck?: StuckThread[]): void {
    if (this.found.some((f) => f.kind === kind)) return;
    const f: Omit<Finding, 'schedule'> = { kind, message, trace: this.traceLog };
    if (stuck) f.stuck = stuck;
    this.found.push(f);
  }

  note(text: string): void {
    if (this.noteSet.has(text)) return;
    this.noteSet.add(text);
    this.noteList.push(text);
  }

  private fail(kind: 'error', message: string, t?: Thread): void {
    if (t) this.emit(t, { type: 'error', message });
    this.addFinding(kind, message);
    this.failed = true;
    this.enabledCache = null;
  }

  // ---------------------------------------------------------------- memory

  mem(p: Proc, h: { handle: string; name: string }): MemObj {
    return memObj(p, h);
  }

  sharedCell(h: CellHandle): CellObj {
    let c = this.shm.get(h.name);
    if (!c) this.shm.set(h.name, (c = { kind: 'cell', name: h.name, value: cloneValue(h.initial) }));
    return c;
  }

  mutexObj(p: Proc, m: MutexHandle): MutexObj {
    if (!m || m.handle !== 'mutex')
      throw new Error(`expected a mutex handle (from mutex('name')), got ${JSON.stringify(m)}`);
    return this.mem(p, m) as MutexObj;
  }

  // ---------------------------------------------------------------- driving generators

  /** Feeds `value` to the thread's top frame and runs it to its next step operation. */
  drive(t: Thread, value: unknown): void {
    let v = value;
    for (;;) {
      const frame = t.frames[t.frames.length - 1]!;
      let res: IteratorResult<unknown, unknown>;
      try {
        res = frame.gen.next(v);
      } catch (err) {
        this.threadThrew(t, err);
        return;
      }
      if (res.done) {
        if (frame.sig !== undefined) {
          t.frames.pop();
          t.pending = frame.saved!.pending;
          t.phase = frame.saved!.phase;
          // The handler's return (sigreturn) puts back the mask it interrupted; a sigsuspend it
          // interrupted then returns.
          t.sigmask = frame.saved!.mask;
          if (t.suspend) t.suspend.woken = true;
          if (t.phase === 'futex') t.phase = 'woken';
          this.emit(t, { type: 'signal.return', sig: frame.sig });
          return;
        }
        t.pending = { k: 'texit', value: res.value === undefined ? null : res.value };
        t.phase = 'run';
        return;
      }
      const value: unknown = res.value;
      if (!value || typeof value !== 'object' || typeof (value as { k?: unknown }).k !== 'string') {
        this.fail('error', `thread ${t.tid} yielded ${String(value)}: library calls need yield* (not yield)`, t);
        return;
      }
      const o = value as Op;
      if (INSTANT_OPS.has(o.k)) {
        try {
          v = instant(this, t, frame, o as InstantOp);
        } catch (err) {
          this.threadThrew(t, err);
          return;
        }
        t.record.push({ op: o.k, result: v });
        continue;
      }
      t.pending = o as StepOp;
      t.phase = 'run';
      return;
    }
  }

  threadThrew(t: Thread, err: unknown): void {
    // By name, not instanceof: a bundled program may carry its own copy of the library.
    if (err instanceof AssertionFailure || (err instanceof Error && err.name === 'AssertionFailure')) {
      this.emit(t, { type: 'assert.fail', message: err.message });
      this.addFinding('assertion', `Assertion failed in thread ${t.tid} of process ${t.pid}: ${err.message}`);
      // abort() kills every thread of the process: a step of its own, so its accesses are declared.
      t.pending = { k: 'abort', message: err.message };
      t.phase = 'run';
      return;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    const where = lineOf(e);
    this.fail(
      'error',
      `${e instanceof NondeterminismError ? '' : 'An exception in thread ' + t.tid + ': '}${e.message}${where ? ` (${where})` : ''}`,
      t,
    );
  }

  /** Completes the pending op of `t` with `result`, records it, and runs to the next one. */
  complete(t: Thread, result: unknown): void {
    if (t.exited) return;
    const k = t.pending!.k;
    t.record.push({ op: k, result });
    t.pending = null;
    t.phase = 'run';
    this.drive(t, result);
  }

  // ---------------------------------------------------------------- transitions

  enabled(): Transition[] {
    if (this.enabledCache) return this.enabledCache;
    const out: Transition[] = [];
    if (!this.failed) {
      for (const t of this.threadOrder) {
        if (t.exited || t.pending === null) continue;
        const p = this.procs.get(t.pid)!;
        // A pending signal is delivered before the thread's next step, as Linux does on the way back to
        // user mode: when it arrives is decided by when it was sent, a race between two threads.
        const sigs = deliverable(t, p);
        if (sigs.length === 0 && this.canRun(t)) {
          let plain = this.plainTransitions.get(t.tid);
          if (plain === undefined)
            this.plainTransitions.set(t.tid, (plain = { id: plainId(t.tid), tid: t.tid, pid: t.pid }));
          out.push(plain);
          if (spuriousAvailable(t)) out.push({ id: spuriousId(t.tid), tid: t.tid, pid: t.pid });
        }
        for (const sig of sigs) out.push({ id: signalId(t.tid, sig), tid: t.tid, pid: t.pid });
      }
      if (out.length === 0) this.finalize();
    }
    this.enabledCache = out;
    return out;
  }

  /** Threads whose next operation waits for another thread (join, waitpid, sem_wait at 0, a lock in 'blocking' mode), with its accesses. */
  blocked(): BlockedStep[] {
    const out: BlockedStep[] = [];
    if (this.failed) return out;
    for (const t of this.threadOrder) {
      if (t.exited || t.pending === null || (t.phase !== 'run' && t.phase !== 'relock')) continue;
      const o = t.pending;
      const model = modelOf(o);
      // Only an op with a blocking rule waits for another thread.
      if (!model.canRun || this.canRun(t)) continue;
      const transition = { id: plainId(t.tid), tid: t.tid, pid: t.pid };
      const accesses = model.blockedAccesses
        ? [...model.blockedAccesses(this, t, o), this.signalRead(t)]
        : this.peek(transition);
      out.push({ transition, accesses });
    }
    return out;
  }

  private canRun(t: Thread): boolean {
    const o = t.pending!;
    if (t.phase === 'futex' || t.phase === 'cond') return false;
    return modelOf(o).canRun?.(this, t, o) ?? true;
  }

  peek(tr: Transition): Access[] {
    // The explorer peeks at the step it is about to take: step() then reuses the list.
    if (this.peekStep === this.stepNo && this.peekId === tr.id) return this.peekAccesses;
    const t = this.threads.get(tr.tid)!;
    let acc: Access[];
    if (this.isPlain(tr)) {
      acc = modelOf(t.pending!).accesses(this, t, t.pending!);
      // Every step reads its thread's pending signals (a signal sent before it is delivered first).
      acc.push(this.signalRead(t));
    } else {
      const parsed = parseId(tr.id)!;
      if (parsed.kind === 'signal') {
        this.peekStep = this.stepNo;
        this.peekId = tr.id;
        return (this.peekAccesses = deliveryAccesses(this, t, parsed.sig));
      }
      acc = spuriousAccesses(t);
      acc.push(this.signalRead(t));
    }
    // A step in a handler may be its last: the handler's return then puts the old mask back.
    if (t.frames.length > 1 && t.frames[t.frames.length - 1]!.sig !== undefined)
      acc.push({ obj: key.sigmask(t.pid, t.tid), write: true });
    this.peekStep = this.stepNo;
    this.peekId = tr.id;
    this.peekAccesses = acc;
    return acc;
  }

  /** A thread's plain step: the transition enabled() made for it, else one whose id says so. */
  private isPlain(tr: Transition): boolean {
    return this.plainTransitions.get(tr.tid) === tr || parseId(tr.id)?.kind === 'plain';
  }

  private signalRead(t: { pid: number; tid: number }): Access {
    let a = this.signalReads.get(t.tid);
    if (a === undefined) this.signalReads.set(t.tid, (a = { obj: key.signalState(t.pid, t.tid), write: false }));
    return a;
  }

  step(id: string): StepResult {
    const enabled = this.enabled();
    let tr: Transition | undefined;
    for (let i = 0; i < enabled.length && tr === undefined; i++) if (enabled[i]!.id === id) tr = enabled[i];
    if (!tr)
      throw new Error(
        `transition ${id} is not enabled (enabled: ${
          this.enabled()
            .map((x) => x.id)
            .join(', ') || 'none'
        })`,
      );
    const accesses = this.peek(tr);
    this.peekStep = -1;
    this.stepStart = this.traceLog.length;
    this.enabledCache = null;
    const t = this.threads.get(tr.tid)!;
    t.steps++;
    if (this.isPlain(tr)) modelOf(t.pending!).exec(this, t, t.pending!);
    else {
      const parsed = parseId(tr.id)!;
      if (parsed.kind === 'signal') deliver(this, t, parsed.sig);
      else spurious(this, t);
    }
    this.stepNo++;
    this.recent[this.stepNo % LOOP_WINDOW] = t.tid;
    if (!this.failed && this.stepNo >= this.maxSteps && this.enabled().length > 0) {
      // The thread that loops is the one that took most of the latest steps (not the one that took
      // most steps overall: a thread that worked long and then waited is not the loop).
      const share = new Map<number, number>();
      for (const tid of this.recent) share.set(tid, (share.get(tid) ?? 0) + 1);
      const live = this.threadOrder.filter((x) => !x.exited);
      const looping = live.sort((a, b) => (share.get(b.tid) ?? 0) - (share.get(a.tid) ?? 0) || b.steps - a.steps)[0]!;
      const n = share.get(looping.tid) ?? 0;
      const message = `Thread ${looping.tid} of process ${looping.pid} took ${n} of the last ${Math.min(LOOP_WINDOW, this.stepNo)} steps and was still running when this execution reached its bound of ${this.maxSteps} steps: a loop that never ends? (it ran ${looping.steps} steps in all)`;
      this.fail('error', message);
      this.found[this.found.length - 1]!.cut = 'maxSteps';
    }
    // The step's events, the error of a cut-off included: the end of the trace, copied at their number.
    return { accesses, events: this.traceLog.slice(this.stepStart) };
  }

  // ---------------------------------------------------------------- the end of a run

  private finalize(): void {
    if (this.finalized) return;
    this.finalized = true;
    if (this.failed) return;
    const deadlock = deadlockOf(this, this.procs.values(), this.threadOrder);
    if (deadlock) this.addFinding('deadlock', deadlock.message, deadlock.stuck);
  }

  findings(): Omit<Finding, 'schedule'>[] {
    if (this.enabled().length === 0) this.finalize();
    return this.found;
  }

  notes(): string[] {
    return this.noteList;
  }

  outcome(): string {
    this.findings();
    const procs = [...this.procs.values()].map((p) => (p.exited ? `x${p.status}` : 'hung')).sort();
    const kinds = this.found.map((f) => f.kind).sort();
    return `${procs.join(',')}|${kinds.join(',')}`;
  }

  trace(): TraceEvent[] {
    return this.traceLog;
  }

  pendingOps(): { tid: number; op: object | null }[] {
    return this.threadOrder.filter((t) => !t.exited).map((t) => ({ tid: t.tid, op: t.pending }));
  }

  fingerprint(): string {
    try {
      return this.fingerprintOrThrow();
    } catch {
      // A value the hash cannot walk (nested past its bound): a name no other state has, so this
      // state is never taken for an explored one.
      return `!${++unnamedStates}`;
    }
  }

  private fingerprintOrThrow(): string {
    return fingerprintOf({
      counters: [this.ofdCounter, ...sortedCounts(this.made), ...sortedCounts(this.opened)],
      failed: this.failed,
      procs: this.procs.values(),
      threads: this.threadOrder,
      shared: this.shm,
      files: this.fs.paths,
      stdin: this.stdin,
      findingKinds: this.found.map((f) => f.kind),
      notes: this.noteList,
    });
  }

  snapshot(): WorldSnapshot {
    return snapshotOf({
      step: this.stepNo,
      procs: this.procs.values(),
      threads: this.threadOrder,
      canRun: (t) => this.canRun(t),
      describe: (o) => modelOf(o).describe(o),
      waitsFor: (t) => explainStuck(this, t).waitsFor,
    });
  }
}

/** "file.ts:12:5" from an exception's stack, if it names a program file. */
function lineOf(e: Error): string | null {
  const stack = e.stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    if (line.includes('/sim/world/') || line.includes('/sim/api/') || line.includes('node:')) continue;
    // Code evaluated from a string (the browser's worker) has no file name, only a position.
    const anon = /<anonymous>:(\d+):(\d+)\)?$/.exec(line);
    if (anon) return `line ${anon[1]}, column ${anon[2]}`;
    const m = /([^/\\ (]+\.(?:[cm]?[jt]s)):(\d+):(\d+)/.exec(line);
    if (m) return `${m[1]}:${m[2]}:${m[3]}`;
  }
  return null;
}

/** Adds one to thread `tid`'s count in `counts`, and returns it. */
function countUp(counts: Map<number, number>, tid: number): number {
  const k = (counts.get(tid) ?? 0) + 1;
  counts.set(tid, k);
  return k;
}

/** A per-thread count map as numbers in tid order (for the fingerprint: the order of making changes nothing ahead). */
function sortedCounts(m: ReadonlyMap<number, number>): number[] {
  return [...m].sort((a, b) => a[0] - b[0]).flat();
}
