// A tiny stand-in world implementing the Run contract, for testing the explorer on its own: threads
// of straight-line operations on cells and blocking mutexes, thread creation, a fork that copies
// the process with one thread, and a local two-way choice. Small enough to be obviously right.
import type { Access, Finding, Run, StepResult, Transition } from '../../sim/types.ts';
import type { TraceEvent } from '../../sim/events.ts';
import { key } from '../../sim/access.ts';
import { plainId, tidOf, variantId } from '../../sim/transition.ts';

export type Op =
  | { op: 'read'; cell: string }
  | { op: 'write'; cell: string; value: number }
  /** Writes the last value this thread read, plus one (a non-atomic increment with the read before it). */
  | { op: 'inc'; cell: string }
  | { op: 'lock'; mutex: string }
  | { op: 'unlock'; mutex: string }
  /** Starts thread `thread` of the program in this process. */
  | { op: 'spawn'; thread: number }
  /** Copies the process; the child's only thread runs `child`. */
  | { op: 'fork'; child: Op[] }
  /** A local nondeterministic choice: the plain step records 0, the "~alt" variant records 1. */
  | { op: 'choose' }
  | { op: 'assert'; cell: string; not: number }
  /** Waits until `cell` holds `value` (like pthread_join); `lasting` marks the access as Access.await. */
  | { op: 'await'; cell: string; value: number; lasting?: boolean };

export interface FakeProgram {
  /** Thread 0 starts running; the others start when spawned. */
  threads: Op[][];
  cells?: string[];
}

interface Thread {
  tid: number;
  pid: number;
  ops: Op[];
  pc: number;
  last: number;
  log: number[];
}

interface Process {
  pid: number;
  cells: Map<string, number>;
  owners: Map<string, number>;
}

/** Creates a Run of `program`; every execution starts from the same initial state. */
export function createFakeRun(program: FakeProgram): Run {
  let nextId = 1001;
  const processes = new Map<number, Process>();
  const threads: Thread[] = [];
  const trace: TraceEvent[] = [];
  const found: Omit<Finding, 'schedule'>[] = [];
  let steps = 0;

  const first: Process = { pid: 1000, cells: new Map(), owners: new Map() };
  for (const c of program.cells ?? []) first.cells.set(c, 0);
  processes.set(1000, first);
  threads.push({ tid: 1000, pid: 1000, ops: program.threads[0] ?? [], pc: 0, last: 0, log: [] });

  const ev = (t: Thread, e: Record<string, unknown>): TraceEvent =>
    ({ step: steps, pid: t.pid, tid: t.tid, time: 0, ...e }) as TraceEvent;

  function runnable(t: Thread): boolean {
    const op = t.ops[t.pc];
    if (!op || found.length > 0) return false;
    if (op.op === 'lock') return !processes.get(t.pid)!.owners.has(op.mutex);
    if (op.op === 'await') return (processes.get(t.pid)!.cells.get(op.cell) ?? 0) === op.value;
    return true;
  }

  function accessesOf(t: Thread): Access[] {
    const op = t.ops[t.pc]!;
    switch (op.op) {
      case 'read':
      case 'assert':
        return [{ obj: key.cell(t.pid, op.cell), write: false }];
      case 'write':
      case 'inc':
        return [{ obj: key.cell(t.pid, op.cell), write: true }];
      case 'lock':
      case 'unlock':
        return [{ obj: key.mutex(t.pid, op.mutex), write: true }];
      case 'spawn':
        return [{ obj: key.system('ids'), write: true }];
      case 'fork':
        return [
          { obj: key.wholeProcess(t.pid), write: false },
          { obj: key.system('ids'), write: true },
        ];
      case 'choose':
        return [];
      case 'await':
        return [{ obj: key.cell(t.pid, op.cell), write: false, ...(op.lasting ? { await: true } : {}) }];
    }
  }

  const run: Run = {
    enabled(): Transition[] {
      const out: Transition[] = [];
      for (const t of threads) {
        if (!runnable(t)) continue;
        out.push({ id: plainId(t.tid), tid: t.tid, pid: t.pid });
        if (t.ops[t.pc]!.op === 'choose') out.push({ id: variantId(t.tid, 'alt'), tid: t.tid, pid: t.pid });
      }
      return out;
    },
    peek(tr: Transition): Access[] {
      return accessesOf(threads.find((t) => t.tid === tr.tid)!);
    },
    step(id: string): StepResult {
      const tid = tidOf(id);
      const t = threads.find((x) => x.tid === tid && runnable(x));
      if (!t) throw new Error(`thread ${tid} cannot run`);
      const accesses = accessesOf(t);
      const proc = processes.get(t.pid)!;
      const op = t.ops[t.pc]!;
      const events: TraceEvent[] = [];
      t.pc++;
      switch (op.op) {
        case 'read':
          t.last = proc.cells.get(op.cell) ?? 0;
          t.log.push(t.last);
          events.push(ev(t, { type: 'cell.read', name: op.cell, value: t.last }));
          break;
        case 'write':
          proc.cells.set(op.cell, op.value);
          events.push(ev(t, { type: 'cell.write', name: op.cell, value: op.value }));
          break;
        case 'inc':
          proc.cells.set(op.cell, t.last + 1);
          events.push(ev(t, { type: 'cell.write', name: op.cell, value: t.last + 1 }));
          break;
        case 'lock':
          proc.owners.set(op.mutex, t.tid);
          events.push(ev(t, { type: 'mutex.lock', lock: { addr: 0, name: op.mutex, kind: 'normal' }, word: 1 }));
          break;
        case 'unlock':
          if (proc.owners.get(op.mutex) === t.tid) proc.owners.delete(op.mutex);
          events.push(
            ev(t, { type: 'mutex.unlock', lock: { addr: 0, name: op.mutex, kind: 'normal' }, result: 0, word: 0 }),
          );
          break;
        case 'spawn': {
          const child = nextId++;
          threads.push({ tid: child, pid: t.pid, ops: program.threads[op.thread] ?? [], pc: 0, last: 0, log: [] });
          events.push(ev(t, { type: 'thread.create', child }));
          break;
        }
        case 'fork': {
          const pid = nextId++;
          processes.set(pid, { pid, cells: new Map(proc.cells), owners: new Map(proc.owners) });
          threads.push({ tid: pid, pid, ops: op.child, pc: 0, last: 0, log: [] });
          events.push(ev(t, { type: 'fork', child: pid, raw: true }));
          break;
        }
        case 'choose':
          t.log.push(id.endsWith('~alt') ? 1 : 0);
          break;
        case 'await':
          events.push(ev(t, { type: 'cell.read', name: op.cell, value: op.value }));
          break;
        case 'assert':
          if ((proc.cells.get(op.cell) ?? 0) === op.not) {
            events.push(ev(t, { type: 'assert.fail', message: `${op.cell} is ${op.not}` }));
            found.push({ kind: 'assertion', message: `assertion failed: ${op.cell} is ${op.not}`, trace: [] });
          }
          break;
      }
      trace.push(...events);
      steps++;
      if (run.enabled().length === 0 && found.length === 0 && threads.some((x) => x.pc < x.ops.length)) {
        found.push({ kind: 'deadlock', message: 'no thread can make progress', stuck: [], trace: [] });
      }
      for (const f of found) f.trace = [...trace];
      return { accesses, events };
    },
    blocked() {
      if (found.some((f) => f.kind !== 'deadlock')) return [];
      return threads
        .filter((t) => t.pc < t.ops.length && !runnable(t))
        .map((t) => ({ transition: { id: plainId(t.tid), tid: t.tid, pid: t.pid }, accesses: accessesOf(t) }));
    },
    findings: () => found,
    notes: () => [],
    outcome(): string {
      const procs = [...processes.values()]
        .sort((a, b) => a.pid - b.pid)
        .map((p) => ({
          pid: p.pid,
          cells: [...p.cells].sort(),
          owners: [...p.owners].sort(),
        }));
      const ts = threads.map((t) => ({ tid: t.tid, pc: t.pc, log: t.log }));
      return JSON.stringify({ procs, ts, found: found.map((f) => f.kind) });
    },
    trace: () => [...trace],
    pendingOps: () => threads.filter((t) => t.pc < t.ops.length).map((t) => ({ tid: t.tid, op: t.ops[t.pc]! })),
    snapshot: () => ({
      step: steps,
      processes: [...processes.values()].map((p) => ({
        pid: p.pid,
        ppid: 0,
        exited: false,
        status: 0,
        threads: threads
          .filter((t) => t.pid === p.pid)
          .map((t) => ({
            tid: t.tid,
            state: t.pc >= t.ops.length ? 'exited' : runnable(t) ? 'runnable' : 'blocked',
            waitsFor: t.pc < t.ops.length && !runnable(t) ? { kind: 'op', op: t.ops[t.pc]!.op } : null,
            next: t.ops[t.pc]?.op ?? null,
            clock: 0,
          })),
        locks: [...p.owners].map(([name, owner]) => ({
          addr: 0,
          name,
          kind: 'normal',
          word: 1,
          owner,
          count: 1,
          waiters: [],
        })),
        cells: [...p.cells].map(([name, value]) => ({ name, value })),
        fds: [],
      })),
    }),
  };
  return run;
}
