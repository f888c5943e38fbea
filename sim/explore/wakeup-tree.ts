// Wakeup trees of optimal DPOR (Abdulla et al., POPL'14, section 6): the sequences still to explore
// from a choice point, planted by reversed races, and the test of whether an explored or planted
// branch already covers a new sequence.
import { conflictsInterned, type Acc } from './dependency.ts';
import type { Event } from './dpor-index.ts';
import { at } from './vector-clock.ts';

/** A branch still to explore: a step, then (a wakeup tree of) what must follow it. */
export interface Wakeup {
  id: string;
  tid: number;
  /** The step's accesses, or null when it was planted without running it (they are not known). */
  acc: readonly Acc[] | null;
  then: Wakeup[];
}

/** What planting needs to know of a choice point. */
export interface Planting {
  /** Branches planted here, leftmost first. */
  pending: Wakeup[];
  /** Explored branches whose traces the later siblings need not repeat. */
  sleep: Map<string, { tid: number; acc: readonly Acc[] }>;
  /** Branches fully explored from here (null accesses: it depends on everything). */
  done: Map<string, { tid: number; acc: readonly Acc[] | null }>;
}

/** Is the step `c` a weak initial of the sequence `v`: can v be reordered to start with it? */
export function weakInitial(c: { id: string; tid: number; acc: readonly Acc[] | null }, v: readonly Event[]): boolean {
  let clash = false;
  for (let k = 0; k < v.length; k++) {
    const x = v[k]!;
    if (x.tid === c.tid) {
      if (x.id !== c.id) return false;
      for (let l = 0; l < k; l++) if (at(x.vc, v[l]!.slot) >= v[l]!.seq) return false;
      return true;
    }
    if (!clash && (c.acc === null || x.wild || conflictsInterned(c.acc, x.acc))) clash = true;
  }
  return !clash;
}

/** v without the first step of `tid`. */
function without(v: readonly Event[], tid: number): Event[] {
  const k = v.findIndex((x) => x.tid === tid);
  return k < 0 ? [...v] : [...v.slice(0, k), ...v.slice(k + 1)];
}

/**
 * Plants the sequence v at `node` unless an explored branch (asleep) or a planted one already covers
 * it: walk down the wakeup tree while some branch's step is a weak initial of what is left of v.
 */
export function plant(node: Planting, v: readonly Event[]): void {
  for (const [id, q] of node.sleep) if (weakInitial({ id, tid: q.tid, acc: q.acc }, v)) return;
  for (const [id, q] of node.done) if (weakInitial({ id, tid: q.tid, acc: q.acc }, v)) return;
  let level = node.pending;
  let rest: Event[] = [...v];
  for (;;) {
    if (rest.length === 0) return;
    const match = level.find((w) => weakInitial(w, rest));
    if (!match) break;
    // A leaf that starts v (up to reordering) covers it: the search from there finds the rest.
    if (match.then.length === 0) return;
    rest = without(rest, match.tid);
    level = match.then;
  }
  let chain: Wakeup[] = level;
  for (const x of rest) {
    const w: Wakeup = { id: x.id, tid: x.tid, acc: x.wild ? null : x.acc, then: [] };
    chain.push(w);
    chain = w.then;
  }
}
