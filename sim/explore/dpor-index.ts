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
  private readonly all = [this.keyAny, this.keyWrite, this.procAny, this.procWrite, this.starAny, this.starWrite];

  private static push(index: Index, k: number, j: number): void {
    const list = index.get(k);
    if (!list) index.set(k, [j]);
    else if (list[list.length - 1] !== j) list.push(j);
  }

  /** Records event `e` at position `j`. */
  add(e: Event, j: number): void {
    const push = EventIndex.push;
    for (const a of e.acc) {
      push(this.keyAny, a.key, j);
      push(this.procAny, a.pid, j);
      if (a.all) push(this.starAny, a.pid, j);
      if (a.write) {
        push(this.keyWrite, a.key, j);
        push(this.procWrite, a.pid, j);
        if (a.all) push(this.starWrite, a.pid, j);
      }
    }
  }

  /** Forgets the events at positions `length` and after. */
  truncate(length: number): void {
    for (const index of this.all) {
      for (const list of index.values()) while (list.length > 0 && list[list.length - 1]! >= length) list.pop();
    }
  }

  /** The positions of earlier events that may conflict with `acc`, latest first. */
  candidatesFor(acc: readonly Acc[]): number[] {
    const out: number[] = [];
    const add = (list: number[] | undefined) => {
      if (list) for (let i = 0; i < list.length; i++) out.push(list[i]!);
    };
    for (const a of acc) {
      if (a.all) add((a.write ? this.procAny : this.procWrite).get(a.pid));
      else {
        add((a.write ? this.keyAny : this.keyWrite).get(a.key));
        add((a.write ? this.starAny : this.starWrite).get(a.pid));
      }
    }
    if (out.length < 2) return out;
    out.sort((x, y) => y - x);
    let n = 1;
    for (let i = 1; i < out.length; i++) if (out[i] !== out[n - 1]) out[n++] = out[i]!;
    out.length = n;
    return out;
  }
}
