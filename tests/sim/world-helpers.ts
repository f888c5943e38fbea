// Test helpers for the world: build a Program, drive a Run by hand, compare search outcomes.
import { createRun } from '../../sim/world/index.ts';
import { search } from '../../sim/explore/search.ts';
import type { ExploreOptions, Program, ProgramOptions, Report, Run } from '../../sim/types.ts';
import { isPlainId } from '../../sim/transition.ts';
import {
  _Fork,
  _exit,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  waitpid,
  type MutexHandle,
} from '../../sim/api/index.ts';

export function prog(main: () => Generator<unknown, unknown, unknown>, options: ProgramOptions = {}): Program {
  return { main, options: { libc: 'glibc', ...options }, name: main.name };
}

/**
 * The bug in its smallest form: thread 1001 takes and releases `m` while main (1000) calls _Fork,
 * and the child (1002) takes `m`. With ids 1000 (create), 1001 (lock), 1000 (fork) the child
 * inherits `m` locked by a thread it does not have.
 */
export function forkWhileHeld(m: MutexHandle, options: ProgramOptions = {}): Program {
  function* holder() {
    yield* pthread_mutex_lock(m);
    yield* pthread_mutex_unlock(m);
  }
  return prog(function* main() {
    const t = yield* pthread_create(holder);
    const pid = yield* _Fork();
    if (pid === 0) {
      yield* pthread_mutex_lock(m);
      yield* _exit(0);
    }
    yield* waitpid(pid);
    yield* pthread_join(t);
  }, options);
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

/** A search over `p` that keeps each run it made, for reading what each one did. */
export function searchRuns(p: Program, options: ExploreOptions): { report: Report; runs: Run[] } {
  const runs: Run[] = [];
  const report = search(() => {
    const run = createRun(p);
    runs.push(run);
    return run;
  }, options);
  return { report, runs };
}

/** The runs that finished: no thread left to step. */
export const finished = (runs: readonly Run[]): Run[] => runs.filter((r) => r.enabled().length === 0);

/** What a run wrote to fd 1, in order. */
export const stdoutOf = (run: Run): string =>
  run
    .trace()
    .filter((e) => e.type === 'io.write' && e.fd === 1)
    .map((e) => (e as { text: string }).text)
    .join('');

/** How the first process (pid 1000) exited, if it did. */
export const mainExit = (run: Run): { status: number; how: string } | undefined =>
  run.trace().find((e) => e.type === 'proc.exit' && e.pid === 1000) as { status: number; how: string } | undefined;

/** Searches past every finding and returns the report with the sorted outcomes of the executions that ran to their end. */
export function searchOutcomes(
  p: Program,
  strategy: 'dpor' | 'enumerate',
  maxExecutions?: number,
  options: ExploreOptions = {},
) {
  const { report, runs } = searchRuns(p, {
    ...options,
    strategy,
    stopAtFirst: false,
    ...(maxExecutions === undefined ? {} : { maxExecutions }),
  });
  return {
    report,
    outcomes: [...new Set(finished(runs).map((r) => r.outcome()))].sort(),
  };
}
