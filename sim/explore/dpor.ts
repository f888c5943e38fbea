// Exhaustive stateless search with source-DPOR and sleep sets (Abdulla, Aronis, Jonsson, Sagonas,
// POPL'14): every Mazurkiewicz trace of the program is explored, usually once, by re-executing it from
// the start along a stack of choice points.
import type { Access, BlockedStep, Transition } from '../types.ts';
import { preferred, type Scheduler, type StepInfo } from './scheduler.ts';

/** An access with its object key and process interned as numbers, so the hot loop compares integers. */
interface Acc {
  key: number;
  /** The process part of the key ("1000/m:x" -> "1000"); the key itself for keys outside processes. */
  pid: number;
  /** A whole-process key "PID/*": overlaps every key of its process. */
  all: boolean;
  write: boolean;
}

/** A step of the current execution, with its happens-before vector clock. */
interface Event {
  id: string;
  tid: number;
  slot: number;
  /** 1-based index of this event among its thread's events. */
  seq: number;
  acc: readonly Acc[];
  /** vc[slot(t)] = the number of thread t's events that happen before (or are) this one. */
  vc: number[];
}

/** A transition that need not be tried here: its traces are covered by a sibling already explored. */
interface Asleep {
  tid: number;
  acc: readonly Acc[];
}

/** The per-thread bookkeeping before a node's step, restored when the search branches there. */
interface Saved {
  threadClock: Map<number, number[]>;
  threadSeq: Map<number, number>;
  enablers: Map<number, number[]>;
}

/** A choice point: the state before the step at the same depth. */
interface Node {
  enabled: readonly Transition[];
  /** Ids that must be explored from here (a source set). */
  backtrack: Set<string>;
  /** Ids explored or being explored from here. */
  done: Set<string>;
  sleep: Map<string, Asleep>;
  chosen: string;
  /** The tid and accesses of the step chosen here in the latest execution (it joins `sleep` when done). */
  chosenTid: number;
  chosenAcc: readonly Acc[];
  /** The chosen step disabled another thread (a failure that ends the run, an exit, a lock taken). */
  chosenDisables: boolean;
  /** Preemptions in the schedule before this node, and the thread that ran last. */
  preemptions: number;
  lastTid: number | undefined;
  saved?: Saved;
}

export interface DporOptions {
  preemptionBound?: number;
}

function conflicts(a: readonly Acc[], b: readonly Acc[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    for (let j = 0; j < b.length; j++) {
      const y = b[j]!;
      if ((x.write || y.write) && (x.key === y.key || ((x.all || y.all) && x.pid === y.pid))) return true;
    }
  }
  return false;
}

const at = (vc: readonly number[], s: number): number => vc[s] ?? 0;
const join = (a: number[], b: readonly number[]): void => {
  for (let i = 0; i < b.length; i++) if ((b[i] ?? 0) > (a[i] ?? 0)) a[i] = b[i]!;
};

export function createDpor(options: DporOptions = {}): Scheduler {
  const bound = options.preemptionBound;
  const nodes: Node[] = [];
  let started = false;
  let prunedByBound = false;

  const keyIds = new Map<string, number>();
  const intern = (s: string): number => {
    let id = keyIds.get(s);
    if (id === undefined) keyIds.set(s, (id = keyIds.size));
    return id;
  };
  const internAll = (accesses: readonly Access[]): Acc[] =>
    accesses.map((a) => {
      const slash = a.obj.indexOf('/');
      return {
        key: intern(a.obj),
        pid: intern(slash < 0 ? a.obj : a.obj.slice(0, slash + 1)),
        all: a.obj.endsWith('/*'),
        write: a.write,
      };
    });

  // Slots index vector clocks by thread id; kept for the whole search (a tid always gets the same slot).
  const slots = new Map<number, number>();
  const slot = (tid: number): number => {
    let s = slots.get(tid);
    if (s === undefined) slots.set(tid, (s = slots.size));
    return s;
  };

  // Per-execution state. Steps replayed from the prefix are not analysed again: the events and the
  // bookkeeping of the prefix are kept, and restored from the branch node's snapshot.
  let depth = 0;
  const events: Event[] = [];
  let threadClock = new Map<number, number[]>();
  let threadSeq = new Map<number, number>();
  /** Clocks of the steps that enabled a thread which could not run before them (a wake, a create, a fork). */
  let enablers = new Map<number, number[]>();
  /** The sleep set of the node about to be created. */
  let nextSleep = new Map<string, Asleep>();
  let preemptions = 0;
  let lastTid: number | undefined;

  const isPreemption = (t: Transition, enabled: readonly Transition[], last: number | undefined): boolean =>
    last !== undefined && t.tid !== last && enabled.some((u) => u.tid === last);

  const withinBound = (t: Transition, node: { enabled: readonly Transition[]; preemptions: number; lastTid: number | undefined }): boolean =>
    bound === undefined || node.preemptions + (isPreemption(t, node.enabled, node.lastTid) ? 1 : 0) <= bound;

  /** Adds `tid`'s transitions enabled at `node` and not asleep there to its backtrack set; false if none. */
  function addThread(node: Node, tid: number): boolean {
    let added = false;
    for (const t of node.enabled) {
      if (t.tid === tid && !node.sleep.has(t.id)) {
        node.backtrack.add(t.id);
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

  /** Source-DPOR's race reversal: make sure some initial of notdep(e).e' is explored before e. */
  function reverseRace(node: Node, initials: readonly Event[]): void {
    for (const id of node.backtrack) {
      const t = node.enabled.find((u) => u.id === id);
      if (t && initials.some((x) => x.tid === t.tid)) return;
    }
    // An initial asleep here has its traces covered by a sibling explored before: nothing to add.
    if (initials.some((x) => node.sleep.has(x.id))) return;
    for (const x of initials) if (addThread(node, x.tid)) return;
    // Every transition of every initial is asleep: exploring everything awake is always sound.
    for (const t of node.enabled) if (!node.sleep.has(t.id)) node.backtrack.add(t.id);
  }

  /**
   * Walks back over the steps before `current`: every dependent one happens before it (its clock joins
   * `clock`). Those not already ordered before it by other means are its races; a race counts only if
   * `current` could have gone first (some initial of notdep(e).e' can run before e): a step enabled by
   * e, like a thread woken by an unlock, is not a race with e, and the walk goes on past e to the
   * earlier steps it did race with (the lock before that unlock). `raceClock` starts as the thread's own
   * history, without the step that enabled it.
   */
  function analyse(current: Event, clock: number[], raceClock: number[], dependsOn: (e: Event) => boolean, reverse: boolean): void {
    for (let j = events.length - 1; j >= 0; j--) {
      const ej = events[j]!;
      if (ej.tid === current.tid || !dependsOn(ej)) continue;
      join(clock, ej.vc);
      if (!reverse || at(raceClock, ej.slot) >= ej.seq) continue;
      const initials = runnableInitialsAfter(j, current);
      if (initials.length === 0) continue;
      reverseRace(nodes[j]!, initials);
      join(raceClock, ej.vc);
    }
  }

  return {
    name: 'dpor',

    begin(): boolean {
      if (!started) {
        started = true;
        return true;
      }
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i]!;
        let next: string | undefined;
        for (const id of node.backtrack) {
          if (node.done.has(id) || node.sleep.has(id)) continue;
          const t = node.enabled.find((u) => u.id === id)!;
          if (!withinBound(t, node)) {
            node.done.add(id);
            prunedByBound = true;
            continue;
          }
          next = id;
          break;
        }
        if (next === undefined) continue;
        // The subtree below the previous choice is finished: it goes to sleep for the later siblings,
        // unless it disabled a thread, which makes it dependent with that thread whatever it accessed.
        if (!node.chosenDisables) node.sleep.set(node.chosen, { tid: node.chosenTid, acc: node.chosenAcc });
        node.done.add(next);
        node.chosen = next;
        nodes.length = i + 1;
        events.length = i;
        const saved = node.saved!;
        threadClock = new Map(saved.threadClock);
        threadSeq = new Map(saved.threadSeq);
        enablers = new Map(saved.enablers);
        preemptions = node.preemptions;
        lastTid = node.lastTid;
        depth = 0;
        return true;
      }
      return false;
    },

    choose(enabled: readonly Transition[]): string | null {
      if (depth < nodes.length) {
        const node = nodes[depth]!;
        if (!enabled.some((t) => t.id === node.chosen)) {
          throw new Error(
            `the program did not repeat itself: step ${depth} (${node.chosen}) is not enabled on re-execution; is the program deterministic?`,
          );
        }
        return node.chosen;
      }
      const sleep = nextSleep;
      const candidates = sleep.size === 0 ? enabled : enabled.filter((t) => !sleep.has(t.id));
      const node0 = { enabled, preemptions, lastTid };
      const allowed = bound === undefined ? candidates : candidates.filter((t) => withinBound(t, node0));
      if (allowed.length < candidates.length) prunedByBound = true;
      if (allowed.length === 0) return null;
      const p = preferred(allowed, lastTid);
      const node: Node = {
        enabled,
        backtrack: new Set([p.id]),
        done: new Set([p.id]),
        sleep,
        chosen: p.id,
        chosenTid: p.tid,
        chosenAcc: [],
        chosenDisables: false,
        preemptions,
        lastTid,
      };
      // Local choices of one thread (a signal delivered or not, a spurious wake-up) are all explored.
      addThread(node, p.tid);
      nodes.push(node);
      return p.id;
    },

    stepped({ transition: t, accesses, enabledAfter, halted }: StepInfo): void {
      const d = depth++;
      // A step replayed from the prefix: everything about it is known from the execution that took it.
      if (d < nodes.length - 1) return;
      const node = nodes[d]!;
      node.saved = { threadClock: new Map(threadClock), threadSeq: new Map(threadSeq), enablers: new Map(enablers) };
      const tid = t.tid;
      const mySlot = slot(tid);
      const acc = internAll(accesses);
      const seq = (threadSeq.get(tid) ?? 0) + 1;
      threadSeq.set(tid, seq);
      const clock = [...(threadClock.get(tid) ?? [])];
      // The race clock leaves out the step that enabled this one: the steps ordered before that
      // enabler may still race with this step (a lock, then an unlock that wakes a waiter).
      const raceClock = [...clock];
      const enabler = enablers.get(tid);
      if (enabler) {
        join(clock, enabler);
        enablers.delete(tid);
      }
      clock[mySlot] = seq;
      raceClock[mySlot] = seq;

      // A thread that could run before this step and cannot after it was disabled by it (an
      // assertion that ends the run, an exit, a blocking lock), whatever the accesses say: the step
      // depends on that thread's steps. It never runs in this execution, so no race shows that it
      // should go first: it is tried first here, as the classic algorithm does. A step after which
      // nothing can run while others could ends the run: it depends on every step.
      const disabled = new Set<number>();
      for (const u of node.enabled) {
        if (u.tid !== tid && !enabledAfter.some((w) => w.tid === u.tid)) disabled.add(u.tid);
      }
      const endsRun = halted || (disabled.size > 0 && enabledAfter.length === 0);
      const dependsOn = endsRun
        ? () => true
        : disabled.size > 0
          ? (ej: Event) => disabled.has(ej.tid) || conflicts(ej.acc, acc)
          : (ej: Event) => conflicts(ej.acc, acc);

      const current: Event = { id: t.id, tid, slot: mySlot, seq, acc, vc: clock };
      analyse(current, clock, raceClock, dependsOn, true);
      threadClock.set(tid, clock);
      events.push(current);
      for (const u of disabled) addThread(node, u);

      node.chosenTid = tid;
      node.chosenAcc = acc;
      node.chosenDisables = disabled.size > 0 || endsRun;

      // A thread with nothing enabled before this step and something enabled after it was enabled by it.
      for (const u of enabledAfter) {
        if (u.tid === tid || node.enabled.some((w) => w.tid === u.tid)) continue;
        const prev = enablers.get(u.tid);
        const joined = prev ? [...prev] : [];
        join(joined, clock);
        enablers.set(u.tid, joined);
      }

      // The sleep set after this step: what stays independent of it and enabled.
      const sleep = new Map<string, Asleep>();
      for (const [id, q] of node.sleep) {
        if (q.tid !== tid && !disabled.has(q.tid) && !endsRun && !conflicts(q.acc, acc)) sleep.set(id, q);
      }
      nextSleep = sleep;

      if (lastTid !== undefined && tid !== lastTid && node.enabled.some((u) => u.tid === lastTid)) preemptions++;
      lastTid = tid;
    },

    ended(blocked: readonly BlockedStep[]): void {
      // A thread blocked to the end never took its step, so the races of that step were never seen:
      // look for them now against the whole execution, as Flanagan and Godefroid do for every
      // thread's next transition, enabled or not.
      for (const { transition: t, accesses } of blocked) {
        const clock = [...(threadClock.get(t.tid) ?? [])];
        const raceClock = [...clock];
        const seq = (threadSeq.get(t.tid) ?? 0) + 1;
        const s = slot(t.tid);
        clock[s] = seq;
        raceClock[s] = seq;
        const acc = internAll(accesses);
        const current: Event = { id: t.id, tid: t.tid, slot: s, seq, acc, vc: clock };
        analyse(current, clock, raceClock, (ej) => conflicts(ej.acc, acc), true);
      }
    },

    incompleteBecause() {
      return prunedByBound ? 'preemptionBound' : undefined;
    },
  };
}
