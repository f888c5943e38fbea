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

type Index = Map<number, number[]>;

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

  private push(index: Index, k: number, j: number): void {
    let list = index.get(k);
    if (!list) index.set(k, (list = []));
    else if (list[list.length - 1] === j) return;
    list.push(j);
    this.pushed.push(list);
  }

  /** Records event `e` at position `j`. */
  add(e: Event, j: number): void {
    for (const a of e.acc) {
      this.push(this.keyAny, a.key, j);
      this.push(this.procAny, a.pid, j);
      if (a.all) this.push(this.starAny, a.pid, j);
      if (a.write) {
        this.push(this.keyWrite, a.key, j);
        this.push(this.procWrite, a.pid, j);
        if (a.all) this.push(this.starWrite, a.pid, j);
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
    const add = (list: number[] | undefined, cover: (e: Event) => boolean) => {
      if (list && list.length > 0) out.push({ list, cover });
    };
    for (const a of acc) {
      if (a.all) add((a.write ? this.procAny : this.procWrite).get(a.pid), starWrite(a.pid));
      else {
        add((a.write ? this.keyAny : this.keyWrite).get(a.key), keyWrite(a.key));
        add((a.write ? this.starAny : this.starWrite).get(a.pid), starWrite(a.pid));
      }
    }
  }
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
