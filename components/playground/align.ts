// Two runs side by side, matched by the events they share (locks taken and released, forks, waits,
// the library calls) rather than by step numbers, and the first point where they part, in words.
import type { TraceEvent } from '../../sim/events.ts';
import type { Finding } from '../../sim/types.ts';
import { stateAt } from './state-at.ts';
import { describeEvent } from '../timeline-svg.ts';

/** The events that tell two runs of a buggy/fixed pair apart; glibc's internal locks are left out. */
function key(e: TraceEvent): string | null {
  switch (e.type) {
    case 'mutex.lock':
    case 'mutex.unlock':
    case 'mutex.trylock':
    case 'mutex.init':
      return e.lock.kind === 'lll' ? null : `${e.tid} ${e.type} ${e.lock.name}`;
    case 'futex.wait':
      return `${e.tid} wait ${e.lock ?? e.addr}`;
    case 'fork':
      return `${e.tid} fork`;
    case 'thread.create':
    case 'thread.exit':
    case 'thread.join':
    case 'proc.exit':
      return `${e.tid} ${e.type}`;
    case 'proc.wait':
      return `${e.tid} waitpid ${e.blocked}`;
    case 'libc.call':
      return e.phase === 'enter' ? `${e.tid} call ${e.fn}` : null;
    case 'sys.sendmsg':
    case 'sys.recvmsg':
    case 'fd.dup2':
    case 'fd.close':
      return `${e.tid} ${e.type}`;
    default:
      return null;
  }
}

export interface AlignedRow {
  a?: TraceEvent;
  b?: TraceEvent;
}

export interface Alignment {
  rows: AlignedRow[];
  /** Index in rows of the first row the two runs do not share, if any. */
  first?: number;
  /** The first divergence in words. */
  words?: string;
  /**
   * Where the buggy run's deadlock was made, in words: the fork that copied a lock while another
   * thread held it, and what the fixed run holds at its own fork (absent when the finding is not a
   * lock left behind by fork).
   */
  fork?: string;
}

/**
 * Aligns the shared events of `a` (the buggy run) and `b` (the fixed run) by a longest common
 * subsequence; `finding` is what went wrong in `a`, when known.
 */
export function alignRuns(
  a: readonly TraceEvent[],
  b: readonly TraceEvent[],
  names: { a: string; b: string } = { a: 'the buggy program', b: 'the fixed program' },
  finding?: Pick<Finding, 'stuck'>,
): Alignment {
  const xa = a.filter((e) => key(e) !== null);
  const xb = b.filter((e) => key(e) !== null);
  const ka = xa.map(key);
  const kb = xb.map(key);
  const n = ka.length;
  const m = kb.length;
  const lcs: Uint16Array[] = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = ka[i] === kb[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ka[i] === kb[j]) rows.push({ a: xa[i++]!, b: xb[j++]! });
    else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) rows.push({ a: xa[i++]! });
    else rows.push({ b: xb[j++]! });
  }
  const first = rows.findIndex((r) => !r.a || !r.b);
  if (first < 0) return { rows };
  const fork = finding && atTheFork(rows, a, b, names, finding);
  return { rows, first, words: divergence(rows, first, a, b, names), ...(fork && { fork }) };
}

function lockName(e: TraceEvent): string | undefined {
  if (e.type === 'mutex.lock') return e.lock.name;
  if (e.type === 'futex.wait') return e.lock;
  return undefined;
}

/** Who holds `lock` in process `pid` just before event `e` of `trace`. */
function holderBefore(trace: readonly TraceEvent[], e: TraceEvent, pid: number, lock: string): number | undefined {
  return stateAt(trace.slice(0, trace.indexOf(e)), e.step).locks.find((l) => l.pid === pid && l.name === lock)?.owner;
}

/**
 * The fork that made the buggy run's deadlock (a thread of the child waits for a lock whose holder
 * fork left behind), and the same moment in the fixed run: who holds that lock when it forks, and
 * whether its child re-initialises it. Undefined when the finding is not of that kind.
 */
function atTheFork(
  rows: AlignedRow[],
  a: readonly TraceEvent[],
  b: readonly TraceEvent[],
  names: { a: string; b: string },
  finding: Pick<Finding, 'stuck'>,
): string | undefined {
  const stuck = finding.stuck?.find((t) => t.holderLeftBehindByFork && t.waitsFor.kind === 'mutex');
  if (!stuck || stuck.waitsFor.kind !== 'mutex') return undefined;
  const lock = stuck.waitsFor.name;
  const forkA = a.find((e): e is Extract<TraceEvent, { type: 'fork' }> => e.type === 'fork' && e.child === stuck.pid);
  if (!forkA) return undefined;
  const heldBy = holderBefore(a, forkA, forkA.pid, lock) ?? stuck.holder;
  const bad =
    `At the fork (step ${forkA.step} of ${names.a}) thread ${heldBy ?? '?'} holds ${lock}: the child gets ${lock} locked ` +
    `by a thread it does not have, and its thread ${stuck.tid} waits for it forever.`;
  // The fixed run's fork at the same place: the one matched with it, else the first by the same thread.
  const forksB = b.filter((e): e is Extract<TraceEvent, { type: 'fork' }> => e.type === 'fork');
  const matched = rows.find((r) => r.a === forkA)?.b;
  const forkB =
    (matched?.type === 'fork' ? matched : undefined) ?? forksB.find((e) => e.tid === forkA.tid) ?? forksB[0];
  if (!forkB) return `${bad} ${names.b} never forks a copy of itself here, so no lock is copied while held.`;
  const holderB = holderBefore(b, forkB, forkB.pid, lock);
  const childFixes = b.some(
    (e) =>
      e.pid === forkB.child &&
      ((e.type === 'libc.lock-reset' && e.lock.name === lock) || (e.type === 'mutex.init' && e.lock.name === lock)),
  );
  const held =
    holderB === undefined
      ? `no thread holds ${lock}`
      : holderB === forkB.tid
        ? `${lock} is held by thread ${holderB}, the thread that forks, which the child continues`
        : `thread ${holderB} holds ${lock}`;
  const childTakes = b.some(
    (e) => e.pid === forkB.child && (e.type === 'mutex.lock' || e.type === 'futex.wait') && lockName(e) === lock,
  );
  const execs = b.some((e) => e.pid === forkB.child && e.type === 'proc.exec');
  const then = childFixes
    ? `, and the child re-initialises ${lock} before it uses it`
    : !childTakes
      ? `, but the child never takes it${execs ? ': it runs a new program (exec) instead' : ''}`
      : holderB === undefined || holderB === forkB.tid
        ? `, so the child can take it`
        : '';
  return `${bad} In ${names.b}, at its fork (step ${forkB.step}), ${held}${then}.`;
}

function divergence(
  rows: AlignedRow[],
  first: number,
  a: readonly TraceEvent[],
  b: readonly TraceEvent[],
  names: { a: string; b: string },
): string {
  // The first event each run has that the other lacks, from the divergence on.
  const ea = rows.slice(first).find((r) => r.a && !r.b)?.a;
  const eb = rows.slice(first).find((r) => r.b && !r.a)?.b;
  const holders = (trace: readonly TraceEvent[], e: TraceEvent, lock: string) => {
    const w = stateAt(trace.slice(0, trace.indexOf(e)), e.step);
    return w.locks.find((l) => l.pid === e.pid && l.name === lock);
  };
  if (eb?.type === 'futex.wait' && eb.lock) {
    const h = holders(b, eb, eb.lock);
    return `Here ${names.b} parts from ${names.a}: ${h ? `thread ${h.owner} still holds ${eb.lock}` : `${eb.lock} is held`}, so thread ${eb.tid} waits (step ${eb.step} of ${names.b})${ea ? `, where in ${names.a} ${describeEvent(ea)} (step ${ea.step})` : ''}.`;
  }
  if (ea?.type === 'futex.wait' && ea.lock) {
    return `Here ${names.b} parts from ${names.a}: in ${names.a} thread ${ea.tid} waits for ${ea.lock} forever (step ${ea.step}); in ${names.b} ${eb ? `${describeEvent(eb)} instead (step ${eb.step})` : 'it never has to'}.`;
  }
  const say = (e: TraceEvent | undefined, name: string) =>
    e ? `in ${name}, step ${e.step}: ${describeEvent(e)}` : `${name} has nothing in its place`;
  return `Here the two runs part: ${say(ea, names.a)}; ${say(eb, names.b)}.`;
}
