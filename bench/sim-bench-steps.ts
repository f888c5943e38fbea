// Cost per search step: DPOR's exhaustive search of one program, the total time divided by the steps
// taken over all its executions. "cold" is the first search in a fresh process (it pays for compiling
// the code paths), "warm" the median of later ones; both in CPU time. `npm run bench` runs it on
// tst-fork1-r815-3; bundled alone (bench/out/sim-bench-steps.mjs) it takes program files as arguments.
import { createRun } from '../sim/world/index.ts';
import { search } from '../sim/explore/search.ts';
import { build } from 'esbuild';
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
  const warm: { ms: number; steps: number }[] = [];
  for (let i = 0; i < repeats; i++) warm.push(once());
  warm.sort((a, b) => a.ms / a.steps - b.ms / b.steps);
  const mid = warm[Math.floor(warm.length / 2)]!;
  return {
    name: program.name ?? '?',
    executions: cold.report.stats.executions,
    blocked: cold.report.stats.blocked ?? 0,
    steps: cold.steps,
    coldUs: (cold.ms * 1000) / cold.steps,
    warmUs: (mid.ms * 1000) / mid.steps,
    warmMs: mid.ms,
    complete: cold.report.completeness.complete,
    verdict: cold.report.verdict,
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

const isMain =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  /sim-bench-steps\.mjs$/.test(process.argv[1]);
if (isMain) {
  const files = process.argv.slice(2);
  const print = (r: StepCost, label = '') =>
    console.log(
      `${r.name}${label}: ${r.executions} executions (+${r.blocked} cut short), ${r.steps} steps, ` +
        `cold ${r.coldUs.toFixed(2)} us/step, warm ${r.warmUs.toFixed(2)} us/step (${r.warmMs.toFixed(0)} ms), ` +
        `${r.verdict}${r.complete ? '' : ' (incomplete)'}`,
    );
  for (const file of files.length > 0 ? files : ['content/examples/tst-fork1-r815-3.ts']) {
    const program = { ...(await load(file)), name: file.replace(/.*\//, '') };
    print(stepCost(program, { stopAtFirst: false }));
    // The same search with state caching (sim/README.md): fewer steps, each dearer.
    if (process.env.STATE_CACHE !== '0')
      print(stepCost(program, { stopAtFirst: false, stateCache: true }), ' with stateCache');
  }
}
