// Test helpers for the world: build a Program, drive a Run by hand, compare search outcomes.
import { createRun } from '../../sim/world/index.ts';
import { search } from '../../sim/explore/search.ts';
import type { Program, ProgramOptions, Run } from '../../sim/types.ts';
import { isPlainId } from '../../sim/transition.ts';

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
    const pick = prefer.map((tid) => en.find((t) => t.tid === tid && isPlainId(t.id))).find(Boolean) ?? en[0]!;
    run.step(pick.id);
  }
  return run;
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
  return {
    report,
    outcomes: [...new Set(runs.filter((r) => r.enabled().length === 0).map((r) => r.outcome()))].sort(),
  };
}
