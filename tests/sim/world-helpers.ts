// Test helpers for the world: build a Program, drive a Run by hand, and a tiny exhaustive DFS.
import { createRun } from '../../sim/world/index.ts';
import { search } from '../../sim/explore/search.ts';
import type { Finding, Program, ProgramOptions, Run } from '../../sim/types.ts';

export function prog(main: () => Generator<unknown, unknown, unknown>, options: ProgramOptions = {}): Program {
  return { main, options: { libc: 'glibc', ...options }, name: main.name };
}

/** Steps the given ids in order (each must be enabled), returning the run. */
export function drive(p: Program, ids: string[]): Run {
  const run = createRun(p);
  for (const id of ids) run.step(id);
  return run;
}

/** Runs to the end always picking the first enabled transition (or the preferred tid when enabled). */
export function runFirst(p: Program, prefer: number[] = []): Run {
  const run = createRun(p);
  for (let n = 0; n < 100_000; n++) {
    const en = run.enabled();
    if (en.length === 0) break;
    const pick = prefer.map((tid) => en.find((t) => t.tid === tid && !t.id.includes('!') && !t.id.includes('~'))).find(Boolean) ?? en[0]!;
    run.step(pick.id);
  }
  return run;
}

export interface DfsResult {
  executions: number;
  kinds: Set<string>;
  first: Map<string, { ids: string[]; finding: Omit<Finding, 'schedule'> }>;
  notes: Set<string>;
}

/** Every interleaving, no reduction: only for tiny programs. */
export function dfs(p: Program, limit = 20_000): DfsResult {
  const res: DfsResult = { executions: 0, kinds: new Set(), first: new Map(), notes: new Set() };
  const stack: string[][] = [[]];
  while (stack.length > 0 && res.executions < limit) {
    const prefix = stack.pop()!;
    const run = createRun(p);
    for (const id of prefix) run.step(id);
    const ids = prefix.slice();
    for (;;) {
      const en = run.enabled();
      if (en.length === 0) break;
      for (let i = en.length - 1; i >= 1; i--) stack.push([...ids, en[i]!.id]);
      run.step(en[0]!.id);
      ids.push(en[0]!.id);
    }
    res.executions++;
    for (const f of run.findings()) {
      res.kinds.add(f.kind);
      if (!res.first.has(f.kind)) res.first.set(f.kind, { ids, finding: f });
    }
    for (const n of run.notes()) res.notes.add(n);
  }
  return res;
}

/** Searches past every finding and returns the report with the sorted outcomes of the executions that ran to their end. */
export function searchOutcomes(p: Program, strategy: 'dpor' | 'enumerate', maxExecutions?: number) {
  const runs: Run[] = [];
  const report = search(
    () => {
      const run = createRun(p);
      runs.push(run);
      return run;
    },
    { strategy, stopAtFirst: false, ...(maxExecutions === undefined ? {} : { maxExecutions }) },
  );
  return { report, outcomes: [...new Set(runs.filter((r) => r.enabled().length === 0).map((r) => r.outcome()))].sort() };
}
