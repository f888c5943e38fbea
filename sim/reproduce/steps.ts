// The forced replay's reading of a schedule: the model's steps one by one, grouped into the real calls a C
// program makes (sim/reproduce/index.ts writes them as the replay header's tables), and reordered within
// the same trace so that each real call's steps are next to each other where that is possible.
import { createRun } from '../world/index.ts';
import { decodeSchedule } from '../explore/schedule.ts';
import type { Access, Program } from '../types.ts';
import type { TraceEvent } from '../events.ts';

/** One model step of the schedule, as the world ran it. */
export interface ModelStep {
  index: number;
  tid: number;
  pid: number;
  /** The thread's pending operation in words before the step (describeOp), e.g. "pthread_mutex_lock(m)". */
  op: string;
  /** For a signal delivery ("TID!SIG" in the schedule): the signal, e.g. "SIGUSR1". */
  signal?: string;
  events: TraceEvent[];
  accesses: Access[];
}

/** Replays `schedule` step by step, keeping each step's operation, events and accesses. */
export function modelSteps(program: Program, schedule: string): ModelStep[] {
  const run = createRun(program, {});
  const steps: ModelStep[] = [];
  let seen = 0;
  for (const [index, id] of decodeSchedule(schedule).entries()) {
    const t = run.enabled().find((x) => x.id === id);
    if (!t)
      throw new Error(
        `the schedule does not fit the program at step ${index + 1}: ${id} cannot run (enabled: ${
          run
            .enabled()
            .map((x) => x.id)
            .join(', ') || 'none'
        })`,
      );
    const snap = run.snapshot() as { processes: { threads: { tid: number; next: string | null }[] }[] };
    const signal = /!(\w+)$/.exec(id)?.[1];
    const op = signal
      ? `delivery of ${signal}`
      : (snap.processes.flatMap((p) => p.threads).find((x) => x.tid === t.tid)?.next ?? '?');
    const { accesses } = run.step(id);
    const trace = run.trace();
    steps.push({
      index,
      tid: t.tid,
      pid: t.pid,
      op,
      ...(signal ? { signal } : {}),
      events: trace.slice(seen),
      accesses,
    });
    seen = trace.length;
  }
  return steps;
}

/** The real calls the replay header wraps (include/forklore-replay.h). */
export const WRAPPED = new Set([
  'pthread_create',
  'pthread_join',
  'pthread_exit',
  'pthread_mutex_lock',
  'pthread_mutex_unlock',
  'pthread_mutex_trylock',
  'pthread_mutex_init',
  'pthread_atfork',
  'pthread_kill',
  'kill',
  'sigaction',
  'close',
  'dup2',
  'write',
  'waitpid',
  'malloc',
  'free',
  'fork',
  '_Fork',
  '_exit',
  'printf',
  'clone_connection',
]);

/** A real call of one thread, and the model steps it stands for. */
export interface Group {
  tid: number;
  call: string;
  steps: number[];
  /** Interrupted by a signal handler that does not return within the schedule: the call never resumes. */
  held?: boolean;
}

const internal = (op: string) => op.startsWith('__libc_lock_');

/** One thread's calls in progress: the base context, and one per signal handler running on top of it. */
interface Context {
  stack: string[];
  open?: Group;
  fork?: { group: Group; phase: 'prepare' | 'parent' };
}

/**
 * Groups each thread's model steps into the real calls a C program makes: a libc call (between its
 * enter and leave events) is one real call however many steps it takes; glibc's fork is its
 * prepare step, its internal locks, the clone and the parent's unlocks (the program's atfork handlers
 * inside it are calls of their own, as a signal handler's are); clone_connection is its sendmsg and
 * recvmsg. Steps that stand for no wrapped call (memory, unwrapped calls, signal deliveries) are owed.
 */
export function groupSteps(steps: ModelStep[]): { groups: Group[]; owed: ModelStep[]; problems: string[] } {
  const groups: Group[] = [];
  const owed: ModelStep[] = [];
  const problems: string[] = [];
  const contexts = new Map<number, Context[]>();
  const ctx = (tid: number): Context => {
    const list = contexts.get(tid) ?? contexts.set(tid, [{ stack: [] }]).get(tid)!;
    return list.at(-1)!;
  };
  const finish = (g: Group) => {
    if (WRAPPED.has(g.call)) groups.push(g);
    else for (const i of g.steps) owed.push(steps[i]!);
  };
  const close = (c: Context) => {
    if (c.open) finish(c.open);
    delete c.open;
  };
  for (const s of steps) {
    const c = ctx(s.tid);
    if (s.signal) {
      owed.push(s);
    } else {
      if (c.fork?.phase === 'parent' && !s.op.startsWith('__libc_lock_unlock')) {
        finish(c.fork.group);
        delete c.fork;
      }
      const depth = c.stack.length;
      if (c.fork && depth === 0 && (internal(s.op) || s.op === 'fork: clone')) {
        c.fork.group.steps.push(s.index);
        if (s.op === 'fork: clone') c.fork.phase = 'parent';
      } else if (s.op === 'fork: prepare') {
        close(c);
        c.fork = { group: { tid: s.tid, call: 'fork', steps: [s.index] }, phase: 'prepare' };
      } else if (depth > 0) {
        if (c.open && c.open.call === c.stack[0]) c.open.steps.push(s.index);
        else {
          close(c);
          c.open = { tid: s.tid, call: c.stack[0]!, steps: [s.index] };
        }
      } else {
        close(c);
        const name = /^([A-Za-z_]\w*)/.exec(s.op)?.[1] ?? s.op;
        if (name === 'sendmsg') c.open = { tid: s.tid, call: 'clone_connection', steps: [s.index] };
        else if (name === 'recvmsg') {
          const g = [...groups].reverse().find((x) => x.tid === s.tid);
          if (g && g.call === 'clone_connection') g.steps.push(s.index);
          else owed.push(s);
        } else if (WRAPPED.has(name)) groups.push({ tid: s.tid, call: name, steps: [s.index] });
        else owed.push(s);
      }
    }
    // The call stacks after this step's events (enter events come when a thread reaches its next call;
    // a delivery starts a handler's context, its return goes back to the interrupted one).
    for (const e of s.events) {
      if (e.type === 'signal.deliver') {
        const list = contexts.get(e.tid);
        if (list) list.push({ stack: [] });
        else contexts.set(e.tid, [{ stack: [] }, { stack: [] }]);
        continue;
      }
      if (e.type === 'signal.return') {
        const list = contexts.get(e.tid);
        if (list && list.length > 1) close(list.pop()!);
        continue;
      }
      if (e.type !== 'libc.call') continue;
      const fn = (e as { fn: string }).fn;
      if (fn === 'fork') continue;
      const ec = ctx(e.tid);
      if ((e as { phase: string }).phase === 'enter') ec.stack.push(fn);
      else {
        ec.stack.pop();
        if (ec.stack.length === 0 && ec.open?.steps.includes(s.index)) close(ec);
      }
    }
  }
  // What is still open: in a context a handler interrupted for good, it never resumes.
  for (const list of contexts.values())
    list.forEach((c, depth) => {
      const interrupted = depth < list.length - 1;
      for (const g of [c.open, c.fork?.group]) if (g) finish(interrupted ? Object.assign(g, { held: true }) : g);
    });
  groups.sort((a, b) => a.steps[0]! - b.steps[0]!);
  owed.sort((a, b) => a.index - b.index);
  return { groups, owed, problems };
}

const overlaps = (a: string, b: string) =>
  a === b || (a.endsWith('/*') && b.startsWith(a.slice(0, -1))) || (b.endsWith('/*') && a.startsWith(b.slice(0, -1)));

/** Steps that cannot trade places: same thread, a common object one of them writes, or one creates the other's thread. */
export function dependent(a: ModelStep, b: ModelStep): boolean {
  if (a.tid === b.tid) return true;
  const creates = (x: ModelStep, y: ModelStep) =>
    x.events.some(
      (e) => (e.type === 'thread.create' || e.type === 'fork') && (e as { child?: number }).child === y.tid,
    );
  if (creates(a, b) || creates(b, a)) return true;
  return a.accesses.some((x) => b.accesses.some((y) => (x.write || y.write) && overlaps(x.obj, y.obj)));
}

/**
 * Reorders the schedule, by swapping adjacent independent steps only (so the run is the same
 * Mazurkiewicz trace, with the same outcome), so that each real call's model steps are next to each
 * other where that is possible: a real fork() cannot stop between glibc's internal locks and the
 * clone while another thread takes a step, but that step can go first when it is independent.
 */
export function normalize(steps: ModelStep[], groups: Group[]): ModelStep[] {
  const order = steps.slice();
  const pos = (i: number) => order.findIndex((s) => s.index === i);
  for (const g of groups) {
    if (g.steps.length < 2) continue;
    const mine = new Set(g.steps);
    for (;;) {
      const first = pos(g.steps[0]!);
      const last = pos(g.steps.at(-1)!);
      let moved = false;
      for (let p = first + 1; p < last && !moved; p++) {
        const f = order[p]!;
        if (mine.has(f.index)) continue;
        if (order.slice(first, p).every((x) => !dependent(x, f))) {
          order.splice(p, 1);
          order.splice(first, 0, f);
          moved = true;
        } else if (order.slice(p + 1, last + 1).every((x) => !dependent(x, f))) {
          order.splice(p, 1);
          order.splice(last, 0, f);
          moved = true;
        }
      }
      if (!moved) break;
    }
  }
  return order;
}
