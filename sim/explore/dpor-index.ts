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

/** The lists an access is pushed on and the lists it looks in, found once per access (Acc is interned). */
interface Plan {
  lists: (Candidates & { list: number[] })[];
  candidates: (Candidates & { list: number[] })[];
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
  /** Each access's lists, made on its first use: a step then does no lookup by key. */
  private readonly plans = new Map<Acc, Plan>();

  private entry(index: Index, k: number, cover: (k: number) => (e: Event) => boolean): Candidates & { list: number[] } {
    let entry = index.get(k);
    if (!entry) index.set(k, (entry = { list: [], cover: cover(k) }));
    return entry;
  }

  private planOf(a: Acc): Plan {
    let plan = this.plans.get(a);
    if (plan !== undefined) return plan;
    const lists = [this.entry(this.keyAny, a.key, keyWrite), this.entry(this.procAny, a.pid, starWrite)];
    if (a.all) lists.push(this.entry(this.starAny, a.pid, starWrite));
    if (a.write) {
      lists.push(this.entry(this.keyWrite, a.key, keyWrite), this.entry(this.procWrite, a.pid, starWrite));
      if (a.all) lists.push(this.entry(this.starWrite, a.pid, starWrite));
    }
    const candidates = a.all
      ? [this.entry(a.write ? this.procAny : this.procWrite, a.pid, starWrite)]
      : [
          this.entry(a.write ? this.keyAny : this.keyWrite, a.key, keyWrite),
          this.entry(a.write ? this.starAny : this.starWrite, a.pid, starWrite),
        ];
    this.plans.set(a, (plan = { lists, candidates }));
    return plan;
  }

  /** Records event `e` at position `j`. */
  add(e: Event, j: number): void {
    const acc = e.acc;
    for (let i = 0; i < acc.length; i++) {
      const lists = this.planOf(acc[i]!).lists;
      for (let l = 0; l < lists.length; l++) {
        const list = lists[l]!.list;
        // Guarded: list[-1] of an empty list is a lookup of the property "-1", many times slower.
        const n = list.length;
        if (n > 0 && list[n - 1] === j) continue;
        list.push(j);
        this.pushed.push(list);
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
   * several lists; the caller walks them together, latest first. A new array each time: emptying a
   * kept one (a store to its length) costs more than making it.
   */
  candidatesFor(acc: readonly Acc[]): Candidates[] {
    const out: Candidates[] = [];
    for (let i = 0; i < acc.length; i++) {
      const candidates = this.planOf(acc[i]!).candidates;
      for (let c = 0; c < candidates.length; c++) if (candidates[c]!.list.length > 0) out.push(candidates[c]!);
    }
    return out;
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
