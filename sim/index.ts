// The simulator's public entry: check/explore/replay a program, drive one run by hand, render
// its trace; the program library is re-exported from sim/api so one import serves tools and views.
import { explore } from './explore/index.ts';

export * from './api/index.ts';
export type * from './types.ts';
export { VERDICT_SEVERITY } from './types.ts';
export type { TraceEvent, TraceEventType, LockRef } from './events.ts';
export { createRun, type RunOptions, type WorldSnapshot } from './world/index.ts';
export { renderStrace, straceLine, explain, stateAt } from './render/index.ts';
export type { StateAfter, ProcessState, ThreadState, LockState } from './render/index.ts';
export { encodeSchedule, decodeSchedule } from './explore/schedule.ts';
export { search } from './explore/search.ts';
export { explore, replay, ReplayDivergedError, DEFAULTS } from './explore/index.ts';

/** The same as explore: the name the CLI and the docs use. */
export const check = explore;
