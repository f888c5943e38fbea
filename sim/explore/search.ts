// The search loop shared by every strategy: drive fresh Runs with a Scheduler, enforce the bounds,
// collect findings with their schedules, count distinct outcomes, and build the Report.
import { encodeSchedule } from './schedule.ts';
import type {
  Access,
  BlockedStep,
  Completeness,
  ExploreOptions,
  Finding,
  Report,
  Run,
  StrategyName,
  Transition,
  Verdict,
} from '../types.ts';
import { VERDICT_SEVERITY } from '../types.ts';
import { isWholeProcess } from '../access.ts';
import { createDpor } from './dpor.ts';
import { createEnumerate } from './enumerate.ts';
import { createPct } from './pct.ts';
import { createRandom } from './random.ts';
import { createReplay } from './replay.ts';
import type { Scheduler } from './scheduler.ts';

export const DEFAULTS = {
  maxSteps: 5000,
  maxExecutions: 100_000,
  runs: 1000,
  seed: 1,
  depth: 3,
  /** The PCT probe of a search that stops at its first finding: runs, and executions before it starts. */
  probeRuns: 100,
  probeAfter: 50,
  /** One probe run per this many executions. */
  probeEvery: 3,
} as const;

/** Makes the scheduler that implements `options.strategy` (dpor by default). */
export function createScheduler(options: ExploreOptions): Scheduler {
  const strategy: StrategyName = options.strategy ?? 'dpor';
  switch (strategy) {
    case 'dpor':
      return createDpor({ preemptionBound: options.preemptionBound, stateCache: options.stateCache });
    case 'enumerate':
      return createEnumerate({ preemptionBound: options.preemptionBound });
    case 'random':
      return createRandom({ runs: options.runs ?? DEFAULTS.runs, seed: options.seed ?? DEFAULTS.seed });
    case 'pct':
      return createPct({
        runs: options.runs ?? DEFAULTS.runs,
        seed: options.seed ?? DEFAULTS.seed,
        depth: options.depth ?? DEFAULTS.depth,
      });
    case 'replay':
      if (options.schedule === undefined) throw new Error('the replay strategy needs a schedule string');
      return createReplay(options.schedule);
  }
}

/** The outcome of driving one Run to its end (or to where the scheduler stopped it). */
export interface Execution {
  run: Run;
  ids: string[];
  /** 'finished': nothing enabled; 'abandoned': the scheduler declined to go on; 'cut': maxSteps. */
  end: 'finished' | 'abandoned' | 'cut';
}

/** Runs one execution of `run` under `scheduler` (after its begin()). */
export function execute(run: Run, scheduler: Scheduler, maxSteps: number): Execution {
  const ids: string[] = [];
  let enabled: Transition[] = run.enabled();
  const end = (how: Execution['end']): Execution => {
    scheduler.ended?.(run.blocked?.() ?? []);
    return { run, ids, end: how };
  };
  for (;;) {
    if (enabled.length === 0) return end('finished');
    if (ids.length >= maxSteps) return end('cut');
    const id = scheduler.choose(enabled, run);
    if (id === null) return end('abandoned');
    let transition: Transition | undefined;
    for (let i = 0; i < enabled.length && transition === undefined; i++)
      if (enabled[i]!.id === id) transition = enabled[i];
    if (!transition) throw new Error(`the scheduler chose ${id}, which is not enabled`);
    const findingsBefore = run.findings().length;
    // Threads blocked now that the step ends (an exit of their process) never take their step: the
    // scheduler hears of them so it can still find their races (only DPOR listens, so only it pays,
    // and only before a step that writes a whole process: peek() shows it, see Run.peek).
    const blockedBefore =
      scheduler.ended && run.blocked && writesWholeProcess(run.peek(transition)) ? run.blocked() : [];
    const { accesses } = run.step(id);
    ids.push(id);
    const enabledAfter = run.enabled();
    let halted = false;
    if (enabledAfter.length === 0) {
      const found = run.findings();
      for (let i = findingsBefore; i < found.length && !halted; i++) halted = found[i]!.kind !== 'deadlock';
    }
    let killed: BlockedStep[] | undefined;
    if (blockedBefore.length > 0 && writesWholeProcess(accesses)) {
      const still = new Set([...enabledAfter, ...run.blocked!().map((b) => b.transition)].map((t) => t.tid));
      killed = blockedBefore.filter((b) => !still.has(b.transition.tid));
    }
    scheduler.stepped({ transition, accesses, enabledAfter, halted, killed });
    enabled = enabledAfter;
  }
}

function writesWholeProcess(accesses: readonly Access[]): boolean {
  for (const a of accesses) if (a.write && isWholeProcess(a.obj)) return true;
  return false;
}

const severity = (v: Verdict): number => VERDICT_SEVERITY.indexOf(v);

/** Explores with the strategy and bounds of `options`, making a fresh Run for every execution. */
export function search(newRun: () => Run, options: ExploreOptions = {}): Report {
  const scheduler = createScheduler(options);
  const strategy = scheduler.name;
  const maxSteps = options.maxSteps ?? DEFAULTS.maxSteps;
  const maxExecutions = options.maxExecutions ?? DEFAULTS.maxExecutions;
  const sampling = strategy === 'random' || strategy === 'pct';
  const stopAtFirst = options.stopAtFirst ?? !sampling;
  const started = performance.now();
  const elapsed = () => performance.now() - started;

  const byKind = new Map<Verdict, Finding>();
  const notes = new Set<string>();
  const outcomes = new Set<string>();
  let executions = 0;
  let blocked = 0;
  let failedRuns = 0;
  let cut = false;
  let sample: Report['sample'];
  let stoppedBy: Exclude<Completeness, { complete: true }>['stoppedBy'] | undefined;
  let lastProgress = started;
  let stoppedAtFinding = false;

  // A DPOR search that stops at its first deadlock also runs a short PCT probe (Burckhardt et al.):
  // after its first executions, one PCT run in every few executions until the probe's runs are
  // spent. DPOR's order reaches a bug that needs preemptions early in long threads late, while random
  // priorities hit it often; a bug the probe finds is a real schedule (replayable as any other), and
  // DPOR alone still decides ok. A search that ends within probeAfter executions pays nothing.
  const probeRuns = strategy === 'dpor' && stopAtFirst ? (options.probe ?? DEFAULTS.probeRuns) : 0;
  let probe: Scheduler | null =
    probeRuns > 0
      ? createPct({ runs: probeRuns, seed: options.seed ?? DEFAULTS.seed, depth: options.depth ?? DEFAULTS.depth })
      : null;
  let sinceProbe = 0;

  while (stoppedBy === undefined) {
    if (executions + blocked >= maxExecutions) {
      if (scheduler.begin()) stoppedBy = 'maxExecutions';
      break;
    }
    if (options.maxTimeMs !== undefined && elapsed() >= options.maxTimeMs) {
      if (scheduler.begin()) stoppedBy = 'maxTime';
      break;
    }
    let current = scheduler;
    if (probe && executions + blocked >= DEFAULTS.probeAfter && ++sinceProbe >= DEFAULTS.probeEvery) {
      sinceProbe = 0;
      if (probe.begin()) current = probe;
      else probe = null;
    }
    if (current === scheduler && !scheduler.begin()) break;
    const { run, ids, end } = execute(newRun(), current, maxSteps);
    if (end === 'abandoned') {
      blocked++;
    } else {
      executions++;
      if (end === 'cut') cut = true;
      outcomes.add(run.outcome());
      for (const note of run.notes()) notes.add(note);
      const found = run.findings();
      if (found.length > 0) failedRuns++;
      // An execution the world stopped at the step bound was cut, like one the search cut itself.
      if (found.some((f) => f.cut === 'maxSteps')) cut = true;
      for (const f of found) {
        if (!byKind.has(f.kind)) byKind.set(f.kind, { ...f, schedule: encodeSchedule(ids) });
      }
      if (end === 'cut' && found.length === 0) {
        const running = [...new Set(run.enabled().map((t) => t.tid))].join(', ');
        notes.add(
          `an execution was cut off after ${maxSteps} steps with thread${running.includes(',') ? 's' : ''} ${running} still running; a spin loop or an unfair schedule can cause this`,
        );
      }
      sample ??= { schedule: encodeSchedule(ids), trace: run.trace() };
      // A deadlock or an exception ends the search; a lesser finding (a leaked descriptor, an unsafe
      // call, a failed assertion) may hide a deadlock in another schedule, so the search goes on.
      if (stopAtFirst && found.some((f) => severity(f.kind) <= severity('deadlock'))) {
        stoppedAtFinding = true;
        break;
      }
    }
    // Progress goes out after the first execution and then every 50 ms, so a view updates promptly
    // and a cancel takes effect within one execution.
    if (options.onProgress && (executions + blocked === 1 || performance.now() - lastProgress >= 50)) {
      lastProgress = performance.now();
      const go = options.onProgress({ executions, elapsedMs: elapsed(), findings: byKind.size });
      if (go === false) stoppedBy = 'cancelled';
    }
  }

  const findings = [...byKind.values()].sort((a, b) => severity(a.kind) - severity(b.kind));
  // A search that stopped at its first finding counts as complete: the counterexample is definitive,
  // unless that finding is only that an execution ran into the step bound (a loop, or a long run).
  const cutFinding = findings.some((f) => f.cut === 'maxSteps');
  if (stoppedBy === undefined && (!stoppedAtFinding || cutFinding)) {
    stoppedBy = (stoppedAtFinding ? undefined : scheduler.incompleteBecause()) ?? (cut ? 'maxSteps' : undefined);
  }
  const completeness: Completeness = stoppedBy === undefined ? { complete: true } : { complete: false, stoppedBy };
  const report: Report = {
    verdict: findings[0]?.kind ?? 'ok',
    completeness,
    findings,
    notes: [...notes],
    stats: {
      executions,
      blocked,
      distinctOutcomes: outcomes.size,
      elapsedMs: elapsed(),
      ...(sampling ? { failedRuns, runs: executions } : {}),
    },
    strategy,
  };
  if (sample) report.sample = sample;
  return report;
}
