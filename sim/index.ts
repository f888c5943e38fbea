// The simulator's public entry: check/explore/replay a program, drive one run by hand, render
// its trace; the program library is re-exported from sim/api so one import serves tools and views.
import { createRun } from './world/index.ts';
import { DEFAULTS, search } from './explore/search.ts';
import type { ExploreOptions, Program, Report } from './types.ts';

export * from './api/index.ts';
export type * from './types.ts';
export { VERDICT_SEVERITY } from './types.ts';
export type { TraceEvent, TraceEventType, LockRef } from './events.ts';
export { createRun, type RunOptions, type WorldSnapshot } from './world/index.ts';
export { encodeSchedule, decodeSchedule } from './render/schedule.ts';
export { search } from './explore/search.ts';

/** Explores `program` with the strategy and bounds of `options` (exhaustive DPOR by default). */
export function explore(program: Program, options: ExploreOptions = {}): Report {
  const maxSteps = options.maxSteps ?? DEFAULTS.maxSteps;
  return search(() => createRun(program, { maxSteps }), options);
}

/** The same as explore: the name the CLI and the docs use. */
export const check = explore;

/** Replays one schedule string and reports what that execution found. */
export function replay(program: Program, schedule: string, options: Omit<ExploreOptions, 'strategy' | 'schedule'> = {}): Report {
  return explore(program, { ...options, strategy: 'replay', schedule });
}
