// Counting Mazurkiewicz traces: enumerate every interleaving and canonicalise each by its Foata
// normal form, so the benchmark and the tests can compare DPOR's executions with the ideal count.
import type { Access, Run } from '../types.ts';
import { dependent } from './dependency.ts';
import { createEnumerate } from './enumerate.ts';
import { execute } from './search.ts';

interface Step {
  tid: number;
  label: string;
  accesses: readonly Access[];
}

/**
 * The Foata normal form of an execution: steps grouped by level (one more than the deepest dependent
 * step before it), each level sorted. Equal for two executions iff they are the same trace.
 */
export function foataNormalForm(steps: readonly Step[]): string {
  const level: number[] = [];
  const levels: string[][] = [];
  for (let i = 0; i < steps.length; i++) {
    let l = 0;
    for (let j = 0; j < i; j++) {
      if (level[j]! >= l && dependent(steps[j]!.tid, steps[j]!.accesses, steps[i]!.tid, steps[i]!.accesses))
        l = level[j]! + 1;
    }
    level.push(l);
    (levels[l] ??= []).push(steps[i]!.label);
  }
  return levels.map((ls) => ls.sort().join(',')).join(' | ');
}

/** FNV-1a over the string, twice with different offsets: 64 bits as a short string. */
function hash64(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
}

export interface TraceCount {
  /** Interleavings run to the end. */
  executions: number;
  /** Distinct Mazurkiewicz traces among them. */
  traces: number;
  /** False when maxExecutions stopped the enumeration. */
  complete: boolean;
}

/** Enumerates every interleaving (up to maxExecutions or maxTimeMs) and counts the distinct traces. */
export function countTraces(
  newRun: () => Run,
  options: { maxExecutions?: number; maxSteps?: number; maxTimeMs?: number } = {},
): TraceCount {
  const maxExecutions = options.maxExecutions ?? 100_000;
  const deadline = performance.now() + (options.maxTimeMs ?? Number.POSITIVE_INFINITY);
  const scheduler = createEnumerate();
  const forms = new Set<string>();
  let executions = 0;
  while (executions < maxExecutions && performance.now() < deadline) {
    if (!scheduler.begin()) return { executions, traces: forms.size, complete: true };
    const run = newRun();
    const steps: Step[] = [];
    const seq = new Map<number, number>();
    const recording: Run = {
      enabled: () => run.enabled(),
      peek: (t) => run.peek(t),
      findings: () => run.findings(),
      notes: () => run.notes(),
      outcome: () => run.outcome(),
      trace: () => run.trace(),
      snapshot: () => run.snapshot(),
      pendingOps: () => run.pendingOps(),
      step(id) {
        const t = run.enabled().find((u) => u.id === id)!;
        const result = run.step(id);
        const n = (seq.get(t.tid) ?? 0) + 1;
        seq.set(t.tid, n);
        const acc = result.accesses
          .map((a) => `${a.write ? 'w' : 'r'}${a.obj}`)
          .sort()
          .join(' ');
        steps.push({ tid: t.tid, label: `${id}#${n}[${acc}]`, accesses: result.accesses });
        return result;
      },
    };
    execute(recording, scheduler, options.maxSteps ?? 5000);
    executions++;
    // A 64-bit hash of the form keeps memory flat over many thousands of executions.
    forms.add(hash64(foataNormalForm(steps)));
  }
  return { executions, traces: forms.size, complete: !scheduler.begin() };
}
