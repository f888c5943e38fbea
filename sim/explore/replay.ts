// Replay: follows a schedule string step by step, and says plainly where a run stops matching it.
import { decodeSchedule } from './schedule.ts';
import type { Scheduler } from './scheduler.ts';
import { parseId } from '../transition.ts';

/** Thrown when a schedule names a step the program cannot take at that point. */
export class ReplayDivergedError extends Error {
  readonly step: number;
  readonly id: string;
  constructor(step: number, id: string) {
    const parsed = parseId(id);
    const tid = parsed ? String(parsed.tid) : id;
    const variant = parsed && parsed.kind !== 'plain' ? ` (${id})` : '';
    super(`the replay diverged at step ${step}: thread ${tid} cannot run${variant}; is the program deterministic?`);
    this.name = 'ReplayDivergedError';
    this.step = step;
    this.id = id;
  }
}

/** A scheduler that plays `schedule` once and stops where it ends, so a prefix of a schedule
 * replays to the state after that prefix. */
export function createReplay(schedule: string): Scheduler {
  const ids = decodeSchedule(schedule);
  let begun = false;
  let step = 0;
  return {
    name: 'replay',
    begin() {
      if (begun) return false;
      begun = true;
      return true;
    },
    choose(enabled) {
      const id = ids[step];
      if (id === undefined) return null;
      if (!enabled.some((t) => t.id === id)) throw new ReplayDivergedError(step, id);
      return id;
    },
    stepped() {
      step++;
    },
    incompleteBecause: () => undefined,
  };
}
