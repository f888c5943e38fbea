// The explorer's entry points: explore() searches a program's schedules with the chosen strategy,
// replay() rebuilds the Run a schedule string leads to (the Playground walks counterexamples with it).
import { createRun } from '../world/index.ts';
import type { ExploreOptions, Program, Report, Run } from '../types.ts';
import { createReplay } from './replay.ts';
import { DEFAULTS, execute, search } from './search.ts';

export { ReplayDivergedError } from './replay.ts';
export { DEFAULTS } from './search.ts';

/**
 * Runs `program` under many schedules and reports what it found. Exhaustive with DPOR by default;
 * every bound is in `options`, and a search cut short says which bound stopped it.
 */
export function explore(program: Program, options: ExploreOptions = {}): Report {
  const maxSteps = options.maxSteps ?? DEFAULTS.maxSteps;
  return search(() => createRun(program, { maxSteps }), options);
}

/**
 * The Run after following `schedule` from the start (it stops where the schedule ends). Throws a
 * ReplayDivergedError naming the step and thread when the schedule asks for a step that cannot run.
 */
export function replay(program: Program, schedule: string, options: { maxSteps?: number } = {}): Run {
  const maxSteps = options.maxSteps ?? DEFAULTS.maxSteps;
  const run = createRun(program, { maxSteps });
  const scheduler = createReplay(schedule);
  scheduler.begin();
  execute(run, scheduler, Number.POSITIVE_INFINITY);
  return run;
}
