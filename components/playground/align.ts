// Two runs side by side, matched by the events they share (locks taken and released, forks, waits,
// the library calls) rather than by step numbers, and the first point where they part, in words.
import type { TraceEvent } from '../../sim/events.ts';
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
}

/** Aligns the shared events of `a` (the buggy run) and `b` (the fixed run) by a longest common subsequence. */
export function alignRuns(
  a: readonly TraceEvent[],
  b: readonly TraceEvent[],
  names: { a: string; b: string } = { a: 'the buggy program', b: 'the fixed program' },
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
  return { rows, first, words: divergence(rows, first, a, b, names) };
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
