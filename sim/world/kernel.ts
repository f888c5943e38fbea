// The narrow interface an op model gets (the world implements it): lookups, memory objects, events
// and findings, and the calls that finish a step or move a thread on. Op models change state through
// it and never choose; also the helpers several models share.
import type { Finding, LibcModel, StuckThread } from '../types.ts';
import type { TraceEvent } from '../events.ts';
import type { CellHandle, MutexHandle, ThreadFn } from '../api/ops.ts';
import { exit as libcExit } from '../api/exit.ts';
import type { CellObj, MemObj, MutexObj, Proc, Thread } from './state.ts';
import type { FileSystem } from './ops/file.ts';

/** A trace event without the fields the world fills in (step, pid, tid, time). */
export type EventBody = TraceEvent extends infer E
  ? E extends TraceEvent
    ? Omit<E, 'step' | 'pid' | 'tid' | 'time'>
    : never
  : never;

/** Who an event is about: a thread, or a process's last moment (its exit). */
export type Actor = Thread | { tid: number; pid: number; clock: number };

export interface Kernel {
  readonly libc: LibcModel;
  /** Report non-async-signal-safe calls in a forked child as findings (options.strict). */
  readonly strict: boolean;
  /** options.futex === 'blocking'. */
  readonly blockingLocks: boolean;
  /** The machine's files (ops/file.ts), outside every process. */
  readonly fs: FileSystem;
  proc(pid: number): Proc | undefined;
  /** Every process of the execution, exited ones included. */
  allProcs(): Iterable<Proc>;
  /** The process of a thread (it always exists). */
  procOf(t: Thread): Proc;
  thread(tid: number): Thread | undefined;
  /** The object a handle names in process `p`, created from the handle on first use. */
  mem(p: Proc, h: { handle: string; name: string }): MemObj;
  mutexObj(p: Proc, h: MutexHandle): MutexObj;
  /** A cell in MAP_SHARED memory (CellHandle.shared): one object for every process. */
  sharedCell(h: CellHandle): CellObj;
  emit(t: Actor, body: EventBody): void;
  /** Completes the pending op of `t` with `result`, records it, and runs the thread to its next op. */
  complete(t: Thread, result: unknown): void;
  /** Feeds `value` to the thread's top frame and runs it to its next step operation. */
  drive(t: Thread, value: unknown): void;
  threadThrew(t: Thread, err: unknown): void;
  addFinding(kind: Finding['kind'], message: string, stuck?: StuckThread[]): void;
  note(text: string): void;
  newProc(pid: number, ppid: number): Proc;
  newThread(tid: number, pid: number, fn: ThreadFn, args: unknown[], clock?: number): Thread;
  /** The id of a thread or process that thread `by` makes: a function of `by` and how many it made before. */
  nextId(by: Thread): number;
  /** The id of an open file description (or pipe) that thread `by` makes: by `by` and its count, as nextId. */
  nextOfd(by: Thread): number;
  /** The next line of standard input ('' at its end). */
  readStdin(): string;
}

/**
 * Puts id `x` into `list`, which is kept ascending: a set of ids kept in an order no interleaving
 * decides (two threads' creations or exits commute, and the list then comes out the same).
 */
export function insertById(list: number[], x: number): void {
  let at = list.length;
  while (at > 0 && list[at - 1]! > x) at--;
  list.splice(at, 0, x);
}

/** A replayed thread asked for other operations than the one it copies: the program is not deterministic. */
export class NondeterminismError extends Error {}

export function cloneValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}

/** Each main's wrapper, made once: the same program's main thread is the same function in every run. */
const wrappers = new WeakMap<ThreadFn, ThreadFn>();

/** Returning from main is exit(value): stdio is flushed under its locks. */
export function wrapMain(main: ThreadFn): ThreadFn {
  const known = wrappers.get(main);
  if (known) return known;
  const wrapped = function* (...args: never[]): Generator<unknown, unknown, unknown> {
    const v = yield* main(...args);
    yield* libcExit(typeof v === 'number' ? v : 0);
    return v;
  };
  Object.defineProperty(wrapped, 'name', { value: main.name || 'main' });
  wrappers.set(main, wrapped);
  return wrapped;
}
