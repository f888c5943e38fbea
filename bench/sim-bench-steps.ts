// Cost per search step: DPOR's exhaustive search of one program, the total time divided by the steps
// taken over all its executions, in CPU time. "cold" is the first search in a fresh process (it pays
// for compiling the code paths); "warm" is the steady state of a warmed JIT: searches are repeated
// for WARM_MS of CPU first (a few searches of 100 ms do not get the hot functions optimised), then
// for at least MEASURE_MS, and their CPU time over their steps is the figure.
// Then the peak memory of the full search (every finding, stopAtFirst false) of the biggest examples,
// each in a process of its own: its maximum RSS, what the heap still holds after a full GC at the end
// (what the search retains), and the size of V8's young generation (which V8 grows while a long search
// allocates: most of the peak above the retained heap).
// `npm run bench` runs it on tst-fork1-r815-3; bundled alone (bench/out/sim-bench-steps.mjs) it takes
// program files as arguments (PEAK=0 skips the memory part, STATE_CACHE=0 the cached searches).
import { createRun } from '../sim/world/index.ts';
import { search } from '../sim/explore/search.ts';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExploreOptions, Program, Report, Run } from '../sim/types.ts';

export interface StepCost {
  name: string;
  executions: number;
  blocked: number;
  steps: number;
  coldUs: number;
  warmUs: number;
  warmMs: number;
  warmups: number;
  warmRuns: number;
  complete: boolean;
  verdict: string;
}

function counted(program: Program, counter: { steps: number }): () => Run {
  return () => {
    const run = createRun(program, { maxSteps: 5000 });
    const step = run.step.bind(run);
    run.step = (id) => {
      counter.steps++;
      return step(id);
    };
    return run;
  };
}

/** CPU milliseconds of warm-up before the warm figure is measured, and the least CPU time it is measured over. */
const WARM_MS = Number(process.env.WARM_MS ?? 2000);
const MEASURE_MS = Number(process.env.MEASURE_MS ?? 1000);

export function stepCost(
  program: Program,
  options: ExploreOptions = {},
  repeats = Number(process.env.REPEATS ?? 5),
): StepCost {
  const once = (): { report: Report; ms: number; steps: number } => {
    const counter = { steps: 0 };
    // CPU time of this process, not wall time: the figure holds on a machine shared with other work.
    const t0 = process.cpuUsage();
    const report = search(counted(program, counter), { maxTimeMs: 60_000, ...options });
    const t = process.cpuUsage(t0);
    return { report, ms: (t.user + t.system) / 1000, steps: counter.steps };
  };
  const cold = once();
  let warmedMs = cold.ms;
  let warmups = 0;
  while (warmedMs < WARM_MS) {
    warmedMs += once().ms;
    warmups++;
  }
  let ms = 0;
  let steps = 0;
  let runs = 0;
  while (runs < repeats || ms < MEASURE_MS) {
    const r = once();
    ms += r.ms;
    steps += r.steps;
    runs++;
  }
  return {
    name: program.name ?? '?',
    executions: cold.report.stats.executions,
    blocked: cold.report.stats.blocked ?? 0,
    steps: cold.steps,
    coldUs: (cold.ms * 1000) / cold.steps,
    warmUs: (ms * 1000) / steps,
    warmMs: ms / runs,
    warmups,
    warmRuns: runs,
    complete: cold.report.completeness.complete,
    verdict: cold.report.verdict,
  };
}

export interface Peak {
  name: string;
  maxRssMb: number;
  retainedMb: number;
  youngMb: number;
  cpuMs: number;
  executions: number;
  blocked: number;
  complete: boolean;
  verdict: string;
}

/** The full search of `program` in this process (a fresh one: maxRSS is then the search's own peak). */
export function peakOfFullSearch(program: Program, maxTimeMs: number): Peak {
  const t0 = process.cpuUsage();
  const report = search(() => createRun(program, { maxSteps: 5000 }), { stopAtFirst: false, maxTimeMs });
  const t = process.cpuUsage(t0);
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  (globalThis as { gc?: () => void }).gc?.();
  return {
    name: program.name ?? '?',
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    retainedMb: process.memoryUsage().heapUsed / 2 ** 20,
    youngMb: young / 2 ** 20,
    cpuMs: (t.user + t.system) / 1000,
    executions: report.stats.executions,
    blocked: report.stats.blocked ?? 0,
    complete: report.completeness.complete,
    verdict: report.verdict,
  };
}

/** Bundles a program file with 'forklore' pointing at the library (run from the project root). */
export async function load(file: string): Promise<Program> {
  const out = await build({
    entryPoints: [resolve(file)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
    alias: { forklore: resolve('sim/api/index.ts') },
  });
  const url = 'data:text/javascript;base64,' + Buffer.from(out.outputFiles[0]!.text).toString('base64');
  const mod = (await import(url)) as Record<string, unknown>;
  return { main: mod.default as Program['main'], options: (mod.options as Program['options']) ?? {} };
}

/** The examples whose full search is the largest (each run with a time limit: an unfinished one says so). */
const PEAK_FILES = [
  'content/examples/tst-fork1-r743-3.ts',
  'content/examples/tst-fork1-r815.ts',
  'content/examples/ch4-bz19431-fixed.ts',
];
const PEAK_TARGET_MB = 200;
const PEAK_TIME_MS = Number(process.env.PEAK_TIME_MS ?? 120_000);

/**
 * The five-thread tst-fork1 searches under the exact protocol with state caching (issue 13): r815
 * proven deadlock-free, and r743's full search (every finding), with their targets.
 */
const FIVE = [
  { file: 'content/examples/tst-fork1-r815.ts', targetMs: 2_000 },
  { file: 'content/examples/tst-fork1-r743.ts', targetMs: 5_000 },
];
const FIVE_TIME_MS = Number(process.env.FIVE_TIME_MS ?? 120_000);

/** One cached full search, counted: steps, CPU time, finding kinds. */
function fullCached(program: Program, maxTimeMs: number) {
  const counter = { steps: 0 };
  const t0 = process.cpuUsage();
  const report = search(counted(program, counter), { stopAtFirst: false, stateCache: true, maxTimeMs });
  const t = process.cpuUsage(t0);
  return {
    name: program.name ?? '?',
    steps: counter.steps,
    cpuMs: (t.user + t.system) / 1000,
    executions: report.stats.executions,
    blocked: report.stats.blocked ?? 0,
    complete: report.completeness.complete,
    verdict: report.verdict,
    kinds: [...new Set(report.findings.map((f) => f.kind))].sort(),
  };
}

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  /sim-bench-steps\.mjs$/.test(process.argv[1]);
if (isMain && process.argv[2] === '--peak') {
  // A child of the bench below: one full search, its figures as JSON on stdout.
  const file = process.argv[3]!;
  const program = { ...(await load(file)), name: file.replace(/.*\//, '') };
  console.log(JSON.stringify(peakOfFullSearch(program, PEAK_TIME_MS)));
} else if (isMain) {
  const files = process.argv.slice(2);
  const print = (r: StepCost, label = '') =>
    console.log(
      `${r.name}${label}: ${r.executions} executions (+${r.blocked} cut short), ${r.steps} steps, ` +
        `cold ${r.coldUs.toFixed(2)} us/step, warm ${r.warmUs.toFixed(2)} us/step ` +
        `(${r.warmRuns} searches of ${r.warmMs.toFixed(0)} ms after ${r.warmups} to warm the JIT), ` +
        `${r.verdict}${r.complete ? '' : ' (incomplete)'}`,
    );
  console.log(
    `CPU time per step; cold: the first search in this process; warm: after ${WARM_MS} ms of searches, over at least ${MEASURE_MS} ms (target <= 3 us warm, <= 6 us cold)`,
  );
  for (const file of files.length > 0 ? files : ['content/examples/tst-fork1-r815-3.ts']) {
    const program = { ...(await load(file)), name: file.replace(/.*\//, '') };
    print(stepCost(program, { stopAtFirst: false }));
    // The same search with state caching (sim/README.md): fewer steps, each dearer.
    if (process.env.STATE_CACHE !== '0')
      print(stepCost(program, { stopAtFirst: false, stateCache: true }), ' with stateCache');
  }
  if (process.env.FIVE !== '0') {
    console.log(
      `\ntst-fork1 with five threads, exact futex protocol, state caching, every finding, at most ${FIVE_TIME_MS / 1000} s each:`,
    );
    for (const { file, targetMs } of FIVE) {
      const program = { ...(await load(file)), name: file.replace(/.*\//, '') };
      const r = fullCached({ ...program, options: { ...program.options, futex: 'exact' } }, FIVE_TIME_MS);
      const ok = r.complete && r.cpuMs < targetMs;
      console.log(
        `${r.name} (exact): ${r.executions} executions (+${r.blocked} cut short or pruned), ${r.steps} steps, ` +
          `${(r.cpuMs / 1000).toFixed(1)} s CPU, ${r.verdict}${r.kinds.length > 0 ? ` (${r.kinds.join(', ')})` : ''}` +
          `${r.complete ? ', complete' : ' (incomplete: time limit)'}; target < ${targetMs / 1000} s ${ok ? 'ok' : 'MISS'}`,
      );
    }
  }
  if (process.env.PEAK !== '0') {
    console.log(
      `\nPeak memory of the full search (every finding), each in a process of its own, at most ${PEAK_TIME_MS / 1000} s (target <= ${PEAK_TARGET_MB} MB):`,
    );
    for (const file of PEAK_FILES) {
      // The young generation capped as the CLI's worker caps it (sim/node/check.ts: 24 MB, a third
      // of it per semi-space), so that the figure is the command's.
      const child = spawnSync(
        process.execPath,
        ['--expose-gc', '--max-semi-space-size=8', process.argv[1]!, '--peak', file],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const line = child.stdout.trim().split('\n').pop() ?? '';
      if (child.status !== 0 || !line.startsWith('{')) {
        console.log(`${file}: the measuring process failed (${child.status ?? child.signal})`);
        process.exitCode = 1;
        continue;
      }
      const p = JSON.parse(line) as Peak;
      console.log(
        `${p.name}: peak RSS ${p.maxRssMb.toFixed(0)} MB ${p.maxRssMb <= PEAK_TARGET_MB ? 'ok' : 'MISS'} ` +
          `(heap retained after it ${p.retainedMb.toFixed(1)} MB, V8's young generation grown to ${p.youngMb.toFixed(0)} MB), ` +
          `${p.executions} executions (+${p.blocked} cut short) in ${(p.cpuMs / 1000).toFixed(1)} s CPU, ` +
          `${p.verdict}${p.complete ? '' : ' (incomplete: time limit)'}`,
      );
    }
  }
}
