// DPOR's record of the current execution: its events with their vector clocks, and indexes that find
// a step's possibly dependent predecessors without scanning the whole execution.
import type { Acc } from './dependency.ts';

/** A step of the current execution, with its happens-before vector clock. */
export interface Event {
  id: string;
  tid: number;
  slot: number;
  /** 1-based index of this event among its thread's events. */
  seq: number;
  acc: readonly Acc[];
  /** vc[slot(t)] = the number of thread t's events that happen before (or are) this one. */
  vc: number[];
  /** The step disabled another thread or ended the run: it commutes with nothing. */
  wild?: boolean;
}

/** A list with its cover test, made once when the list is: a step asks for the same few lists. */
type Index = Map<number, Candidates & { list: number[] }>;

/**
 * One list of earlier events a step may conflict with, walked from its latest entry. `cover` says
 * which entries conflict with every earlier entry of the list (a write of the list's key, or a
 * whole-process write): once such an entry is ordered before the step, so is everything before it.
 */
export interface Candidates {
  list: readonly number[];
  /** The entry conflicts with every earlier entry of the list. */
  cover: (e: Event) => boolean;
}

/**
 * Event positions by key, by scope, and the whole-process accesses, each for any access and for
 * writes only (a read conflicts only with writes).
 */
export class EventIndex {
  private readonly keyAny: Index = new Map();
  private readonly keyWrite: Index = new Map();
  private readonly procAny: Index = new Map();
  private readonly procWrite: Index = new Map();
  private readonly starAny: Index = new Map();
  private readonly starWrite: Index = new Map();
  /** Every list an event was pushed on, in order: truncate() pops only what it must. */
  private readonly pushed: number[][] = [];

  private push(index: Index, k: number, j: number, cover: (k: number) => (e: Event) => boolean): void {
    let entry = index.get(k);
    if (!entry) index.set(k, (entry = { list: [], cover: cover(k) }));
    const list = entry.list;
    if (list[list.length - 1] === j) return;
    list.push(j);
    this.pushed.push(list);
  }

  /** Records event `e` at position `j`. */
  add(e: Event, j: number): void {
    for (const a of e.acc) {
      this.push(this.keyAny, a.key, j, keyWrite);
      this.push(this.procAny, a.pid, j, starWrite);
      if (a.all) this.push(this.starAny, a.pid, j, starWrite);
      if (a.write) {
        this.push(this.keyWrite, a.key, j, keyWrite);
        this.push(this.procWrite, a.pid, j, starWrite);
        if (a.all) this.push(this.starWrite, a.pid, j, starWrite);
      }
    }
  }

  /** Forgets the events at positions `length` and after. */
  truncate(length: number): void {
    const pushed = this.pushed;
    let n = pushed.length;
    while (n > 0) {
      const list = pushed[n - 1]!;
      if (list[list.length - 1]! < length) break;
      list.pop();
      n--;
    }
    // One length change at the end: shrinking an array at every pop costs more than the pops.
    if (n < pushed.length) pushed.length = n;
  }

  /**
   * The lists of earlier events that may conflict with `acc` (each ascending). A position may be on
   * several lists; the caller walks them together, latest first.
   */
  candidatesFor(acc: readonly Acc[], out: Candidates[]): void {
    out.length = 0;
    for (const a of acc) {
      if (a.all) addEntry(out, (a.write ? this.procAny : this.procWrite).get(a.pid));
      else {
        addEntry(out, (a.write ? this.keyAny : this.keyWrite).get(a.key));
        addEntry(out, (a.write ? this.starAny : this.starWrite).get(a.pid));
      }
    }
  }
}

function addEntry(out: Candidates[], entry: Candidates | undefined): void {
  if (entry !== undefined && entry.list.length > 0) out.push(entry);
}

const keyWrites = new Map<number, (e: Event) => boolean>();
const starWrites = new Map<number, (e: Event) => boolean>();

/** Does the event write key `k`? */
function keyWrite(k: number): (e: Event) => boolean {
  let f = keyWrites.get(k);
  if (!f) {
    f = (e) => {
      for (const a of e.acc) if (a.key === k && a.write) return true;
      return false;
    };
    keyWrites.set(k, f);
  }
  return f;
}

/** Does the event write the whole of process scope `pid`? */
function starWrite(pid: number): (e: Event) => boolean {
  let f = starWrites.get(pid);
  if (!f) {
    f = (e) => {
      for (const a of e.acc) if (a.all && a.write && a.pid === pid) return true;
      return false;
    };
    starWrites.set(pid, f);
  }
  return f;
}
