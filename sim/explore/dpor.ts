// Exhaustive stateless search with optimal DPOR: sleep sets and wakeup trees (Abdulla, Aronis, Jonsson,
// Sagonas, POPL'14). Every Mazurkiewicz trace of the program is explored once, by re-executing it from
// the start along a stack of choice points; a reversed race plants the whole sequence that reverses it.
import type { BlockedStep, Transition } from '../types.ts';
import { preferred, type Scheduler, type StateView, type StepInfo } from './scheduler.ts';
import { awaits, conflictsInterned as conflicts, createInterner, type Acc } from './dependency.ts';
import { EventIndex, type Candidates, type Event } from './dpor-index.ts';
import { isPreemption, withinBound as boundAllows } from './preemption.ts';
import { at, copyClock, join } from './vector-clock.ts';
import { plant, type Wakeup } from './wakeup-tree.ts';

/** A transition that need not be tried here: its traces are covered by a sibling already explored. */
interface Asleep {
  tid: number;
  acc: readonly Acc[];
}

/** A choice point: the state before the step at the same depth. */
interface Node {
  enabled: readonly Transition[];
  /** Branches planted here by reversed races, leftmost first (the wakeup tree minus the branch taken). */
  pending: Wakeup[];
  sleep: Map<string, Asleep>;
  /**
   * Branches fully explored from here, with their accesses (null for a step that disabled another
   * thread: it depends on that thread whatever the accesses say).
   */
  done: Map<string, { tid: number; acc: readonly Acc[] | null }>;
  chosen: string;
  /** The tid and accesses of the step chosen here in the latest execution (it joins `sleep` when done). */
  chosenTid: number;
  chosenAcc: readonly Acc[];
  /** The chosen step disabled another thread (a failure that ends the run, an exit, a lock taken). */
  chosenDisables: boolean;
  /** Preemptions in the schedule before this node, and the thread that ran last. */
  preemptions: number;
  lastTid: number | undefined;
  /** State caching: the state's fingerprint (null when not cached), and the sleep set it was reached with. */
  fp: string | null;
  sleep0: readonly string[];
  /** State caching: the chosen step as a Future, and every step below this state so far (Future ids). */
  chosenFuture: number;
  sum: Set<number>;
}

/**
 * A step below some state, as state caching keeps it: what it accesses and, of the steps between
 * that state and it, which happen before it (their accesses and threads), so that its races with the
 * steps before the state can be found when the state is reached again by another way.
 */
interface Future {
  tid: number;
  acc: readonly Acc[];
  /** It ended the run: it depends on every step. */
  ends: boolean;
  /** The threads it disabled: it depends on their steps. */
  dis: readonly number[];
  /** The accesses and threads of the steps after the state that happen before it (sorted, unique). */
  ea: readonly Acc[];
  et: readonly number[];
  /** ea or et was cut at its bound: they name only some of those steps. */
  capped: boolean;
}

/** Past this many accesses or threads, a Future's history is cut (so it counts fewer steps as ordered before it). */
const HISTORY_BOUND = 64;

export interface DporOptions {
  preemptionBound?: number | undefined;
  /** State caching: from the start, never, or after this many executions (ExploreOptions.stateCache; CACHE_AFTER by default). */
  stateCache?: boolean | number | undefined;
}

/** Does `list` have a transition of thread `tid`? (A loop: the callers ask it for every thread at every step.) */
function hasTid(list: readonly Transition[], tid: number): boolean {
  for (let i = 0; i < list.length; i++) if (list[i]!.tid === tid) return true;
  return false;
}

/** Does `list` have the transition `id`? */
function hasId(list: readonly Transition[], id: string): boolean {
  for (let i = 0; i < list.length; i++) if (list[i]!.id === id) return true;
  return false;
}

/** The clock of a thread with no step yet: read, never joined into. */
const NO_CLOCK: number[] = [];
/** No wakeup subtree (most new nodes): read, never added to. */
const NO_WAKEUP: readonly Wakeup[] = [];
/** The empty sleep set a node records when it was reached with none. */
const NO_IDS: readonly string[] = [];
/** The subtree summary of a node made while state caching is off: never read, never added to. */
const NO_SUM: Set<number> = new Set();

/** The empty sleep and done sets most nodes have, shared until begin() adds to them. */
const NO_SLEEP: Map<string, Asleep> = new Map();
const NONE_DONE: Node['done'] = new Map();
/** No thread disabled (most steps): never added to. */
const NO_TIDS: ReadonlySet<number> = new Set();

/**
 * State caching starts after this many executions unless told otherwise: a search that small is over
 * before fingerprints (each costs a few steps) pay for themselves; a bigger one merges the states that
 * different orders reach (r743-3's full search: 6,300 executions instead of 53,900).
 */
export const CACHE_AFTER = 200;

export function createDpor(options: DporOptions = {}): Scheduler {
  const bound = options.preemptionBound;
  const nodes: Node[] = [];
  let started = false;
  let prunedByBound = false;

  const internAll = createInterner();

  // State caching (sim/README.md, "State caching"): the states whose whole future has been explored,
  // with the steps of that future and the sleep set it was explored under.
  const cacheAfter =
    bound !== undefined || options.stateCache === false
      ? Number.POSITIVE_INFINITY
      : options.stateCache === true
        ? 0
        : (options.stateCache ?? CACHE_AFTER);
  let caching = cacheAfter <= 0;
  let begun = 0;
  const explored = new Map<string, { sum: readonly number[]; sleep: readonly string[] }>();
  const futures: Future[] = [];
  const futureIds = new Map<string, number>();
  const accIds = new Map<Acc, number>();
  const accId = (a: Acc): number => {
    let id = accIds.get(a);
    if (id === undefined) accIds.set(a, (id = accIds.size));
    return id;
  };
  const intern = (f: Future): number => {
    let k = `${f.tid}${f.ends ? 'E' : ''}${f.capped ? 'C' : ''}d${f.dis.join(',')}a`;
    for (const a of f.acc) k += `${accId(a)},`;
    k += 'h';
    for (const a of f.ea) k += `${accId(a)},`;
    k += `t${f.et.join(',')}`;
    let id = futureIds.get(k);
    if (id === undefined) {
      futureIds.set(k, (id = futures.length));
      futures.push(f);
    }
    return id;
  };
  const NO_NUMBERS: readonly number[] = [];
  const NO_ACC: readonly Acc[] = [];
  /** The step `x` taken before a state, and a Future `id` of that state: the Future seen from the state before `x`. */
  // By x, then by id: small integer keys (one number made of both would not be a small integer).
  const lifted: (Map<number, number> | undefined)[] = [];
  const lift = (id: number, x: number): number => {
    let byId = lifted[x];
    if (byId === undefined) lifted[x] = byId = new Map();
    let out = byId.get(id);
    if (out !== undefined) return out;
    const f = futures[id]!;
    const s = futures[x]!;
    const before =
      s.tid === f.tid ||
      f.ends ||
      f.dis.includes(s.tid) ||
      s.dis.includes(f.tid) ||
      f.et.includes(s.tid) ||
      conflicts(s.acc, f.acc) ||
      conflicts(s.acc, f.ea);
    if (!before || f.capped || (f.et.includes(s.tid) && s.acc.every((a) => f.ea.includes(a)))) out = id;
    else {
      const ea = [...f.ea];
      for (const a of s.acc) if (!ea.includes(a)) ea.push(a);
      const et = f.et.includes(s.tid) ? f.et : [...f.et, s.tid].sort((a, b) => a - b);
      ea.sort((a, b) => accId(a) - accId(b));
      const capped = ea.length > HISTORY_BOUND || et.length > HISTORY_BOUND;
      out = intern({ ...f, ea: capped ? f.ea : ea, et: capped ? f.et : et, capped });
    }
    byId.set(id, out);
    return out;
  };

  // Slots index vector clocks by thread id; kept for the whole search (a tid always gets the same slot).
  const slots = new Map<number, number>();
  const slot = (tid: number): number => {
    let s = slots.get(tid);
    if (s === undefined) slots.set(tid, (s = slots.size));
    return s;
  };

  // Per-execution state. Steps replayed from the prefix are not analysed again: the events and the
  // bookkeeping of the prefix are kept; the bookkeeping's changes since the branch node are undone.
  let depth = 0;
  const events: Event[] = [];
  const threadClock = new Map<number, number[]>();
  const threadSeq = new Map<number, number>();
  /** Clocks of the steps that enabled a thread which could not run before them (a wake, a create, a fork). */
  const enablers = new Map<number, number[]>();
  // The three maps' values are never changed in place (a clock stored is a fresh array), so undoing
  // a change is putting the old value back. The log of changes: the depth of the step that made each,
  // the map, the key and the value before it (undefined when there was none), in parallel arrays.
  const undoDepth: number[] = [];
  const undoMap: Map<number, unknown>[] = [];
  const undoKey: number[] = [];
  const undoOld: unknown[] = [];
  const change = <V>(map: Map<number, V>, key: number, value: V | undefined, at: number): void => {
    undoDepth.push(at);
    undoMap.push(map);
    undoKey.push(key);
    undoOld.push(map.get(key));
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  };
  const undoTo = (at: number): void => {
    let n = undoDepth.length;
    while (n > 0 && undoDepth[n - 1]! >= at) {
      n--;
      const map = undoMap[n]!;
      const old = undoOld[n];
      if (old === undefined) map.delete(undoKey[n]!);
      else map.set(undoKey[n]!, old);
    }
    undoDepth.length = n;
    undoMap.length = n;
    undoKey.length = n;
    undoOld.length = n;
  };
  /** The sleep set and the wakeup subtree of the node about to be created. */
  let nextSleep = NO_SLEEP;
  /** Steps of blocked threads that a step of this execution ended (see StepInfo.killed), with that step. */
  let killedSteps: { step: BlockedStep; by: Event; at: number; vc: number[]; seq: number }[] = [];
  let nextWakeup: readonly Wakeup[] = NO_WAKEUP;
  let preemptions = 0;
  let lastTid: number | undefined;

  const withinBound = (
    t: Transition,
    node: { enabled: readonly Transition[]; preemptions: number; lastTid: number | undefined },
  ): boolean => boundAllows(bound, t, node);

  /** True when `id` is already taken, explored, asleep or pending at `node`. */
  const known = (node: Node, id: string): boolean =>
    node.chosen === id || node.sleep.has(id) || node.done.has(id) || node.pending.some((w) => w.id === id);

  /** Plants single steps: every transition of `tid` at `node` not known there yet; false if none. */
  function addThread(node: Node, tid: number): boolean {
    let added = false;
    for (const t of node.enabled) {
      if (t.tid === tid && !known(node, t.id)) {
        node.pending.push({ id: t.id, tid: t.tid, acc: null, then: [] });
        added = true;
      }
    }
    return added;
  }

  /**
   * The initials of notdep(e).e' for e = events[j]: the first steps of v (the steps after e that do not
   * happen after it, then e') that no other step of v happens before. `current` is e', whose clock is
   * complete for every step after j. Only initials whose thread can run at node j are returned.
   */
  function runnableInitialsAfter(j: number, current: Event): Event[] {
    const e = events[j]!;
    const node = nodes[j]!;
    const eSlot = e.slot;
    // first[s]: the seq of thread s's first step in v. A step's clock covers some step of v from
    // thread s iff it covers that first one (a thread's steps are ordered).
    const first: number[] = [];
    const used: number[] = [];
    const initials: Event[] = [];
    const visit = (x: Event): void => {
      const s = x.slot;
      if (first[s] !== undefined) return;
      let initial = true;
      for (let k = 0; k < used.length && initial; k++) {
        const t = used[k]!;
        if (t !== s && at(x.vc, t) >= first[t]!) initial = false;
      }
      first[s] = x.seq;
      used.push(s);
      if (initial && node.enabled.some((u) => u.tid === x.tid)) initials.push(x);
    };
    for (let k = j + 1; k < events.length; k++) {
      const ek = events[k]!;
      if (at(ek.vc, eSlot) < e.seq) visit(ek);
    }
    visit(current);
    return initials;
  }

  /**
   * The race reversal of optimal DPOR: plant notdep(e).e' at the node before e, and with its first step
   * every other choice of that thread there (a signal delivered or not, a spurious wake-up).
   */
  function reverseRace(j: number, current: Event): void {
    const e = events[j]!;
    const node = nodes[j]!;
    const v: Event[] = [];
    for (let k = j + 1; k < events.length; k++) {
      const ek = events[k]!;
      if (at(ek.vc, e.slot) < e.seq) v.push(ek);
    }
    // e' itself will run in another state once it goes before e, so what it touches there is unknown:
    // it counts as touching everything (only its thread and place are known).
    v.push({ ...current, wild: true });
    plant(node, v);
  }

  // Indexes of this execution's events, so that a step's possibly dependent predecessors are found
  // without scanning the whole execution.
  const index = new EventIndex();

  /**
   * Walks back over the steps before `current` (all of them, or those on the candidate lists, latest
   * first): every dependent one happens before it (its clock joins `clock`). Those not already ordered
   * before it by other means are its races; a race counts only if `current` could have gone first (some
   * initial of notdep(e).e' can run before e): a step enabled by e, like a thread woken by an unlock,
   * is not a race with e, and the walk goes on past e to the earlier steps it did race with (the lock
   * before that unlock). `raceClock` starts as the thread's own history, without its enabler.
   * A candidate list is left once one of its entries that conflicts with all the earlier ones is
   * ordered before `current`: those earlier ones are ordered before that entry, so before `current`,
   * and their clocks are in its clock.
   */
  function analyse(
    current: Event,
    clock: number[],
    raceClock: number[],
    dependsOn: (e: Event) => boolean,
    candidates: readonly Candidates[] | null,
  ): void {
    const visit = (j: number): boolean => {
      const ej = events[j]!;
      if (ej.tid === current.tid || !dependsOn(ej)) return false;
      join(clock, ej.vc);
      if (at(raceClock, ej.slot) >= ej.seq) return true;
      if (awaits(current.acc, ej.acc)) return false;
      const initials = runnableInitialsAfter(j, current);
      if (initials.length === 0) return false;
      reverseRace(j, current);
      join(raceClock, ej.vc);
      return true;
    };
    if (candidates === null) {
      for (let j = events.length - 1; j >= 0; j--) visit(j);
      return;
    }
    // The lists merged, latest first; each position visited once.
    const n = candidates.length;
    // Only the first n entries are used: the array is never shortened (a store to its length is slow).
    const cursor = cursors;
    for (let c = 0; c < n; c++) cursor[c] = candidates[c]!.list.length - 1;
    for (;;) {
      let j = -1;
      for (let c = 0; c < n; c++) {
        const k = cursor[c]!;
        if (k >= 0) {
          const p = candidates[c]!.list[k]!;
          if (p > j) j = p;
        }
      }
      if (j < 0) return;
      const ordered = visit(j) || events[j]!.tid === current.tid;
      const ej = events[j]!;
      for (let c = 0; c < n; c++) {
        const k = cursor[c]!;
        if (k < 0 || candidates[c]!.list[k] !== j) continue;
        cursor[c] = ordered && at(raceClock, ej.slot) >= ej.seq && candidates[c]!.cover(ej) ? -1 : k - 1;
      }
    }
  }
  const cursors: number[] = [];

  /** A Future with nothing before it. */
  function bare(tid: number, acc: readonly Acc[]): number {
    return intern({ tid, acc, ends: false, dis: NO_NUMBERS, ea: NO_ACC, et: NO_NUMBERS, capped: false });
  }

  /** Node k's subtree is explored: its state joins the explored ones, its steps (seen from before the parent's step) the parent's. */
  function finish(k: number): void {
    const node = nodes[k]!;
    if (node.fp !== null) {
      // Of two explorations of one state, the one under the smaller sleep set covers more.
      const old = explored.get(node.fp);
      if (!old || node.sleep0.length <= old.sleep.length)
        explored.set(node.fp, { sum: [...node.sum], sleep: node.sleep0 });
    }
    const parent = nodes[k - 1];
    if (parent && parent.chosenFuture >= 0) for (const f of node.sum) parent.sum.add(lift(f, parent.chosenFuture));
  }

  /**
   * The current execution reached an explored state: its future is not explored again, but the races
   * of that future's steps with the steps before the state are looked for, as the walk of analyse()
   * does, from what each Future kept of the steps ordered before it. A race found this way is
   * reversed as the classic algorithm does (Flanagan and Godefroid): at the node before the earlier
   * step, one thread that may start the reversed sequence is tried (every thread when the future
   * step's history was cut); when none of them can run there, it is no race.
   */
  /** The dependent prefix steps a revisit has walked for one future step (positions, latest first). */
  const walked: number[] = [];
  /** Per revisit: the positions of the prefix steps that conflict with an access set, latest first. */
  const positionsOf = new Map<readonly Acc[], number[]>();
  function conflictPositions(acc: readonly Acc[]): number[] {
    let out = positionsOf.get(acc);
    if (out !== undefined) return out;
    out = [];
    for (const c of index.candidatesFor(acc)) for (const j of c.list) out.push(j);
    out.sort((a, b) => b - a);
    let w = 0;
    for (let r = 0; r < out.length; r++) if (r === 0 || out[r] !== out[r - 1]) out[w++] = out[r]!;
    out.length = w;
    positionsOf.set(acc, out);
    return out;
  }
  const oneAcc: Acc[] = [];
  /** Per revisit (the prefix is fixed during one): an access's conflictClock. */
  const conflictClocks = new Map<Acc, number[]>();
  /**
   * The join of the clocks of every prefix step that conflicts with `a`: the index's lists walked
   * from the latest entry until one that conflicts with all the earlier entries of its list (those
   * happen before it, so its clock has them).
   */
  function conflictClock(a: Acc): number[] {
    let clock = conflictClocks.get(a);
    if (clock !== undefined) return clock;
    clock = [];
    oneAcc[0] = a;
    for (const c of index.candidatesFor(oneAcc)) {
      const list = c.list;
      for (let k = list.length - 1; k >= 0; k--) {
        const e = events[list[k]!]!;
        join(clock, e.vc);
        if (c.cover(e)) break;
      }
    }
    conflictClocks.set(a, clock);
    return clock;
  }
  /** Joins into `clock` the clocks of every prefix step that conflicts with one of `accs`. */
  function joinConflicting(clock: number[], accs: readonly Acc[]): void {
    for (const a of accs) join(clock, conflictClock(a));
  }
  function revisit(sum: readonly number[]): void {
    conflictClocks.clear();
    positionsOf.clear();
    const parent = nodes[depth - 1];
    if (parent && parent.chosenFuture >= 0) for (const f of sum) parent.sum.add(lift(f, parent.chosenFuture));
    for (const id of sum) {
      const f = futures[id]!;
      // `base` orders prefix steps before f, as analyse()'s race clock does: f's thread's clock, its
      // history's threads' clocks, and the clocks of the prefix steps that conflict with its history.
      // Copied only when something is joined into it; the history's conflicting steps are joined
      // only once a step the rest does not cover is met (most future steps meet none).
      let base: number[] = threadClock.get(f.tid) ?? NO_CLOCK;
      let owned = false;
      for (const t of f.et) {
        const c = threadClock.get(t);
        if (!c) continue;
        if (!owned) {
          base = [...base];
          owned = true;
        }
        join(base, c);
      }
      let historyJoined = f.ea.length === 0;
      // `hb`, everything in the prefix that happens before f (a race's earlier step included), is
      // read only to find E at a race: `base` joined with the clocks of the dependent steps walked so
      // far, made at the first race and kept up from there.
      let hb: number[] | null = null;
      let hbFrom = 0;
      walked.length = 0;
      // Only the prefix steps that conflict with f, or that f disabled, can race with it: their
      // positions, latest first (every step when f ended the run or disabled a thread).
      const scanAll = f.ends || f.dis.length > 0;
      const positions = scanAll ? null : conflictPositions(f.acc);
      const n = positions === null ? events.length : positions.length;
      for (let q = 0; q < n; q++) {
        const j = positions === null ? events.length - 1 - q : positions[q]!;
        const e = events[j]!;
        if (e.tid === f.tid) continue;
        if (positions === null && !(f.ends || f.dis.includes(e.tid) || conflicts(e.acc, f.acc))) continue;
        walked.push(j);
        // A step `base` covers has its whole clock in `base` (a join of clocks of steps, each of
        // which covers its predecessors): joining it changes nothing.
        if (at(base, e.slot) >= e.seq) continue;
        if (!historyJoined) {
          // A step's clock covers only steps before it, so joining the history's conflicting steps
          // now, whatever their place, changes no test already made.
          if (!owned) {
            base = [...base];
            owned = true;
          }
          joinConflicting(base, f.ea);
          historyJoined = true;
          if (at(base, e.slot) >= e.seq) continue;
        }
        if (awaits(f.acc, e.acc)) {
          if (!owned) {
            base = [...base];
            owned = true;
          }
          join(base, e.vc);
          continue;
        }
        const node = nodes[j]!;
        if (!owned) {
          base = [...base];
          owned = true;
        }
        if (f.capped) {
          // Part of f's history is unknown: any thread may start the reversed sequence.
          for (const u of node.enabled) addThread(node, u.tid);
          join(base, e.vc);
          continue;
        }
        // Flanagan and Godefroid's rule: one thread of E, the threads enabled at the node before e
        // with a step that leads to f (f's own thread, the threads of its history, the threads of
        // the prefix steps after e that happen before f). When none is enabled there, no sequence
        // that puts f before e can start there (its first step would be one of theirs: a step that
        // enabled it would happen before f too), so, as analyse() finds no runnable initial, it is
        // no race, and the steps before e may still race with f.
        let pick: number | undefined;
        for (const u of node.enabled) {
          if (u.tid === f.tid) {
            pick = u.tid;
            break;
          }
          if (pick === undefined && f.et.includes(u.tid)) pick = u.tid;
        }
        if (pick === undefined) {
          hb ??= [...base];
          for (; hbFrom < walked.length; hbFrom++) join(hb, events[walked[hbFrom]!]!.vc);
          for (let k = j + 1; k < events.length && pick === undefined; k++) {
            const ek = events[k]!;
            if (at(hb, ek.slot) >= ek.seq && node.enabled.some((u) => u.tid === ek.tid)) pick = ek.tid;
          }
        }
        if (pick === undefined) continue;
        addThread(node, pick);
        join(base, e.vc);
      }
    }
  }

  return {
    name: 'dpor',

    begin(): boolean {
      // Nodes made before caching starts have no fingerprint: they are never taken for explored.
      if (!caching && ++begun >= cacheAfter) caching = true;
      if (!started) {
        started = true;
        return true;
      }
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i]!;
        let next: Wakeup | undefined;
        while (node.pending.length > 0) {
          const w = node.pending.shift()!;
          const t = node.enabled.find((u) => u.id === w.id);
          // A planted step that cannot run here (it named a blocked thread) or is covered is dropped.
          if (!t || node.sleep.has(w.id) || node.done.has(w.id) || w.id === node.chosen) continue;
          if (!withinBound(t, node)) {
            prunedByBound = true;
            continue;
          }
          next = w;
          break;
        }
        if (next === undefined) continue;
        if (caching) for (let k = nodes.length - 1; k > i; k--) finish(k);
        // The subtree below the previous choice is finished: it goes to sleep for the later siblings,
        // unless it disabled a thread, which makes it dependent with that thread whatever it accessed.
        if (node.sleep === NO_SLEEP) node.sleep = new Map();
        if (node.done === NONE_DONE) node.done = new Map();
        if (!node.chosenDisables) node.sleep.set(node.chosen, { tid: node.chosenTid, acc: node.chosenAcc });
        node.done.set(node.chosen, { tid: node.chosenTid, acc: node.chosenDisables ? null : node.chosenAcc });
        node.chosen = next.id;
        nextWakeup = next.then;
        nodes.length = i + 1;
        events.length = i;
        index.truncate(i);
        undoTo(i);
        preemptions = node.preemptions;
        lastTid = node.lastTid;
        depth = 0;
        return true;
      }
      return false;
    },

    choose(enabled: readonly Transition[], state?: StateView): string | null {
      if (depth < nodes.length) {
        const node = nodes[depth]!;
        const chosen = node.chosen;
        if (!hasId(enabled, chosen)) {
          throw new Error(
            `the program did not repeat itself: step ${depth} (${node.chosen}) is not enabled on re-execution; is the program deterministic?`,
          );
        }
        return node.chosen;
      }
      const sleep = nextSleep;
      const wakeup = nextWakeup;
      nextWakeup = NO_WAKEUP;
      let fp: string | null = null;
      if (caching && state?.fingerprint) {
        fp = state.fingerprint();
        const seen = explored.get(fp);
        if (seen && seen.sleep.every((id) => sleep.has(id))) {
          revisit(seen.sum);
          return null;
        }
      }
      const candidates = sleep.size === 0 ? enabled : enabled.filter((t) => !sleep.has(t.id));
      const allowed =
        bound === undefined ? candidates : candidates.filter((t) => withinBound(t, { enabled, preemptions, lastTid }));
      if (allowed.length < candidates.length) prunedByBound = true;
      if (allowed.length === 0) return null;
      // Follow the wakeup tree planted for this node if there is one, else take any awake step.
      const pending: Wakeup[] = [];
      let p: Transition | undefined;
      let w = 0;
      while (w < wakeup.length && !p) {
        const branch = wakeup[w++]!;
        for (let i = 0; i < allowed.length && !p; i++) if (allowed[i]!.id === branch.id) p = allowed[i];
        if (p) nextWakeup = branch.then;
      }
      p ??= preferred(allowed, lastTid);
      for (; w < wakeup.length; w++) if (wakeup[w]!.id !== p.id) pending.push(wakeup[w]!);
      const node: Node = {
        enabled,
        pending,
        sleep,
        done: NONE_DONE,
        chosen: p.id,
        chosenTid: p.tid,
        chosenAcc: [],
        chosenDisables: false,
        preemptions,
        lastTid,
        fp,
        sleep0: sleep.size === 0 ? NO_IDS : [...sleep.keys()],
        chosenFuture: -1,
        sum: caching ? new Set() : NO_SUM,
      };
      // Local choices of one thread (a signal delivered or not, a spurious wake-up) are all explored.
      addThread(node, p.tid);
      nodes.push(node);
      return p.id;
    },

    stepped({ transition: t, accesses, enabledAfter, halted, killed }: StepInfo): void {
      const d = depth++;
      // A step replayed from the prefix: everything about it is known from the execution that took it.
      if (d < nodes.length - 1) return;
      const node = nodes[d]!;
      const tid = t.tid;
      // Blocked threads this step ended: their clocks and places are taken from before this step (see below).
      const killedBefore = killed?.map((b) => ({
        vc: [...(threadClock.get(b.transition.tid) ?? [])],
        seq: (threadSeq.get(b.transition.tid) ?? 0) + 1,
      }));
      const mySlot = slot(tid);
      const acc = internAll(accesses);
      const seq = (threadSeq.get(tid) ?? 0) + 1;
      change(threadSeq, tid, seq, d);
      const clock = copyClock(threadClock.get(tid), slots.size);
      // The race clock leaves out the step that enabled this one: the steps ordered before that
      // enabler may still race with this step (a lock, then an unlock that wakes a waiter).
      const raceClock = clock.slice();
      const enabler = enablers.get(tid);
      if (enabler) {
        join(clock, enabler);
        change(enablers, tid, undefined, d);
      }
      clock[mySlot] = seq;
      raceClock[mySlot] = seq;

      // A thread that could run before this step and cannot after it was disabled by it (an
      // assertion that ends the run, an exit, a blocking lock), whatever the accesses say: the step
      // depends on that thread's steps. It never runs in this execution, so no race shows that it
      // should go first: it is tried first here, as the classic algorithm does. A step after which
      // nothing can run while others could ends the run: it depends on every step.
      let disabled: ReadonlySet<number> = NO_TIDS;
      for (const u of node.enabled) {
        if (u.tid !== tid && !hasTid(enabledAfter, u.tid)) {
          const more = disabled === NO_TIDS ? new Set<number>() : (disabled as Set<number>);
          more.add(u.tid);
          disabled = more;
        }
      }
      // A transition of another thread that was enabled before this step and is not after it, while
      // its thread still has something to do (a signal sent to it replaces its plain step by the
      // delivery; a condition signal ends its spurious wake-up): it never runs in this execution, so
      // no race shows that it should go first. The accesses already make the two dependent, so only
      // the alternative is planted: it is tried here.
      let replaced: Transition[] | null = null;
      for (const u of node.enabled) {
        if (u.tid !== tid && !disabled.has(u.tid) && !hasId(enabledAfter, u.id)) (replaced ??= []).push(u);
      }
      const endsRun = halted || (disabled.size > 0 && enabledAfter.length === 0);
      const dependsOn = endsRun
        ? () => true
        : disabled.size > 0
          ? (ej: Event) => disabled.has(ej.tid) || conflicts(ej.acc, acc)
          : (ej: Event) => conflicts(ej.acc, acc);

      const current: Event = { id: t.id, tid, slot: mySlot, seq, acc, vc: clock, wild: endsRun || disabled.size > 0 };
      let lists: Candidates[] | null = null;
      if (!endsRun && disabled.size === 0) lists = index.candidatesFor(acc);
      analyse(current, clock, raceClock, dependsOn, lists);
      change(threadClock, tid, clock, d);
      index.add(current, events.length);
      events.push(current);
      if (disabled.size > 0) for (const u of disabled) addThread(node, u);
      // Blocked threads this step ended race with it like threads blocked to the end; their races are
      // looked for once the execution is over, when the steps that could have unblocked them are known.
      // Their clocks are taken from before this step: the step itself may be their own thread's (a fatal
      // signal delivered to a thread blocked in waitpid), and what they would have done precedes it.
      if (killed) {
        killed.forEach((b, i) => {
          const { vc, seq: killedSeq } = killedBefore![i]!;
          killedSteps.push({ step: b, by: current, at: events.length - 1, vc, seq: killedSeq });
        });
      }
      if (replaced) {
        for (const u of replaced) {
          if (!known(node, u.id)) node.pending.push({ id: u.id, tid: u.tid, acc: null, then: [] });
        }
      }

      node.chosenTid = tid;
      node.chosenAcc = acc;
      node.chosenDisables = disabled.size > 0 || endsRun;
      if (caching) {
        const x = intern({
          tid,
          acc,
          ends: endsRun,
          dis: disabled.size > 0 ? [...disabled].sort((a, b) => a - b) : NO_NUMBERS,
          ea: NO_ACC,
          et: NO_NUMBERS,
          capped: false,
        });
        node.chosenFuture = x;
        node.sum.add(x);
      }

      // A thread with nothing enabled before this step and something enabled after it was enabled by it.
      for (const u of enabledAfter) {
        if (u.tid === tid || hasTid(node.enabled, u.tid)) continue;
        const joined = copyClock(enablers.get(u.tid), clock.length);
        join(joined, clock);
        change(enablers, u.tid, joined, d);
      }

      // The sleep set after this step: what stays independent of it and enabled.
      let sleep = NO_SLEEP;
      for (const [id, q] of node.sleep) {
        if (q.tid !== tid && !disabled.has(q.tid) && !endsRun && !conflicts(q.acc, acc)) {
          if (sleep === NO_SLEEP) sleep = new Map();
          sleep.set(id, q);
        }
      }
      nextSleep = sleep;

      if (isPreemption(t, node.enabled, lastTid)) preemptions++;
      lastTid = tid;
    },

    ended(blocked: readonly BlockedStep[]): void {
      // A thread blocked to the end never took its step, so the races of that step were never seen:
      // look for them now against the whole execution, as Flanagan and Godefroid do for every
      // thread's next transition, enabled or not.
      // Those ended by a step of a prefix replayed since are kept; those of a discarded suffix go.
      killedSteps = killedSteps.filter((k) => events[k.at] === k.by);
      // Blocked steps come after the last step (seen from before it, they are lifted over it); a
      // killed step comes just before the step that ended it.
      const last = events.length > 0 ? nodes[events.length - 1] : undefined;
      if (caching && last && last.chosenFuture >= 0) {
        for (const b of blocked) last.sum.add(lift(bare(b.transition.tid, internAll(b.accesses)), last.chosenFuture));
        for (const k of killedSteps) {
          // A node made before caching started keeps no summary (its state has no fingerprint).
          const sum = nodes[k.at]!.sum;
          if (sum !== NO_SUM) sum.add(bare(k.step.transition.tid, internAll(k.step.accesses)));
        }
      }
      const all = [
        ...blocked.map((b) => ({
          step: b,
          by: undefined as Event | undefined,
          vc: undefined as number[] | undefined,
          seq: 0,
        })),
        ...killedSteps,
      ];
      for (const {
        step: { transition: t, accesses },
        by,
        vc,
        seq: killedSeq,
      } of all) {
        const clock = vc ? [...vc] : [...(threadClock.get(t.tid) ?? [])];
        const raceClock = [...clock];
        const seq = vc ? killedSeq : (threadSeq.get(t.tid) ?? 0) + 1;
        const s = slot(t.tid);
        clock[s] = seq;
        raceClock[s] = seq;
        const acc = internAll(accesses);
        const current: Event = { id: t.id, tid: t.tid, slot: s, seq, acc, vc: clock };
        analyse(
          current,
          clock,
          raceClock,
          (ej) => ej === by || conflicts(ej.acc, acc),
          by ? null : index.candidatesFor(acc),
        );
      }
    },

    incompleteBecause() {
      return prunedByBound ? 'preemptionBound' : undefined;
    },
  };
}
