// The simulator benchmark: for every example program, DPOR's executions against plain enumeration and
// the number of Mazurkiewicz traces, the median time of the exhaustive check, and peak memory,
// printed as a table against the targets.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRun } from '../sim/world/index.ts';
import { search } from '../sim/explore/search.ts';
import { countTraces } from '../sim/explore/traces.ts';
import type { ExploreOptions, Program, Report } from '../sim/types.ts';

const TARGET = {
  checkMs: 200,
  tstFork1Ms: 2000,
  ratio: 1.2,
  memoryMb: 200,
};
/** Enumeration is exponential: it stops here, and its counts are then only lower bounds. */
const ENUMERATION_CAP = { maxExecutions: 20_000, maxTimeMs: 3_000 };
const REPEATS = 5;

/** The project root: the nearest directory up from this file with the forklore package.json. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'forklore') return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const root = findRoot();
const examplesDir = join(root, 'content', 'examples');

/** Bundles one example with 'forklore' pointing at the program library, and imports it. */
async function loadExample(file: string, scratch: string): Promise<Program> {
  const out = join(scratch, file.replace(/\.ts$/, '.mjs'));
  const result = await build({
    entryPoints: [join(examplesDir, file)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
    alias: { forklore: join(root, 'sim', 'api', 'index.ts') },
  });
  writeFileSync(out, result.outputFiles[0]!.text);
  const mod = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  return {
    main: mod.default as Program['main'],
    options: (mod.options as Program['options']) ?? {},
    expected: mod.expected as Program['expected'],
    name: file.replace(/\.ts$/, ''),
  };
}

const check = (program: Program, options: ExploreOptions = {}): Report =>
  search(() => createRun(program, { maxSteps: 5000 }), options);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

// Peaks are kept apart for the explorer's checks and for the enumeration baseline, which keeps every
// interleaving's steps and is not what the target is about.
let phase: 'check' | 'baseline' = 'check';
const peaks = { check: { rss: 0, heap: 0 }, baseline: { rss: 0, heap: 0 } };
const sampleMemory = () => {
  const m = process.memoryUsage();
  peaks[phase].rss = Math.max(peaks[phase].rss, m.rss);
  peaks[phase].heap = Math.max(peaks[phase].heap, m.heapUsed);
};
const timer = setInterval(sampleMemory, 20);

interface Row {
  name: string;
  expected: string;
  verdict: string;
  complete: boolean;
  checkMs: number;
  checkExecutions: number;
  dporExecutions: number;
  dporBlocked: number;
  dporComplete: boolean;
  enumExecutions: number;
  enumComplete: boolean;
  traces: number | undefined;
}

const scratch = mkdtempSync(join(tmpdir(), 'forklore-bench-'));
const only = process.argv[2];
const files = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts') && (!only || f.includes(only)))
  .sort();
const rows: Row[] = [];
let tstFork1: { ms: number; complete: boolean; verdict: string } | undefined;

// First every check (so their memory is measured before the enumeration baseline grows the heap),
// then the baseline.
const programs: Program[] = [];
for (const file of files) {
  const program = await loadExample(file, scratch);
  if (typeof program.main === 'function') programs.push(program);
}
for (const program of programs) {
  const heavy = program.name === 'tst-fork1-r815';
  const budget: ExploreOptions = heavy ? { maxTimeMs: 30_000, maxExecutions: 10_000_000 } : { maxTimeMs: 10_000 };
  // The exhaustive check as the CLI runs it (it stops at a deadlock), timed over several runs.
  const times: number[] = [];
  let report: Report | undefined;
  check(program, budget); // warm-up: the first run pays for compiling this program's code paths
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    report = check(program, budget);
    times.push(performance.now() - t0);
    sampleMemory();
  }
  // The whole search, past every finding, for the comparison with enumeration.
  const full = check(program, { ...budget, stopAtFirst: false });
  sampleMemory();
  const row: Row = {
    name: program.name!,
    expected: program.expected?.verdict ?? '-',
    verdict: report!.verdict,
    complete: report!.completeness.complete,
    checkMs: median(times),
    checkExecutions: report!.stats.executions + (report!.stats.blocked ?? 0),
    dporExecutions: full.stats.executions,
    dporBlocked: full.stats.blocked ?? 0,
    dporComplete: full.completeness.complete,
    enumExecutions: 0,
    enumComplete: false,
    traces: undefined,
  };
  rows.push(row);
  if (heavy) tstFork1 = { ms: row.checkMs, complete: row.complete, verdict: row.verdict };
}
phase = 'baseline';
for (const [i, program] of programs.entries()) {
  if (program.name === 'tst-fork1-r815') continue;
  const traces = countTraces(() => createRun(program, { maxSteps: 5000 }), ENUMERATION_CAP);
  sampleMemory();
  const row = rows[i]!;
  row.enumExecutions = traces.executions;
  row.enumComplete = traces.complete;
  row.traces = traces.complete ? traces.traces : undefined;
}
clearInterval(timer);
sampleMemory();
rmSync(scratch, { recursive: true, force: true });

const pad = (s: string | number, n: number) => String(s).padStart(n);
const header =
  `${'program'.padEnd(30)} ${pad('expected', 11)} ${pad('verdict', 11)} ${pad('check ms', 9)} ${pad('runs', 6)}` +
  ` ${pad('dpor', 7)} ${pad('+sleep', 7)} ${pad('enum', 7)} ${pad('traces', 7)} ${pad('ratio', 6)}`;
console.log(
  '\nSimulator benchmark: the exhaustive check (median of ' +
    REPEATS +
    ' after a warm-up run), DPOR past every finding, plain enumeration',
);
console.log(header);
console.log('-'.repeat(header.length));
let worstRatio = 0;
let slowest = { name: '', ms: 0 };
let wrong = 0;
for (const r of rows) {
  const ratio = r.traces ? r.dporExecutions / r.traces : undefined;
  if (ratio !== undefined && r.dporComplete) worstRatio = Math.max(worstRatio, ratio);
  if (r.name !== 'tst-fork1-r815' && r.checkMs > slowest.ms) slowest = { name: r.name, ms: r.checkMs };
  if (r.expected !== '-' && r.expected !== r.verdict) wrong++;
  console.log(
    `${r.name.padEnd(30)} ${pad(r.expected, 11)} ${pad(r.verdict + (r.complete ? '' : '?'), 11)} ${pad(r.checkMs.toFixed(1), 9)} ${pad(r.checkExecutions, 6)}` +
      ` ${pad(r.dporExecutions + (r.dporComplete ? '' : '+'), 7)} ${pad(r.dporBlocked, 7)} ${pad(r.enumExecutions + (r.enumComplete ? '' : '+'), 7)}` +
      ` ${pad(r.traces ?? '?', 7)} ${pad(ratio === undefined ? '' : ratio.toFixed(2), 6)}`,
  );
}
console.log(
  '\n"+": stopped at a bound (a lower bound); "?": the check did not complete; traces: distinct Foata normal forms',
);
console.log(
  'among the enumerated executions (only where enumeration finished within ' +
    ENUMERATION_CAP.maxExecutions +
    ' executions / ' +
    ENUMERATION_CAP.maxTimeMs +
    ' ms).',
);

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
const verdictOk = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
console.log('\nTargets:');
console.log(
  `  ${verdictOk(wrong === 0)} every example gives its expected verdict: ${rows.length - wrong}/${rows.length}`,
);
console.log(
  `  ${verdictOk(slowest.ms < TARGET.checkMs)} every exhaustive check < ${TARGET.checkMs} ms median: slowest ${slowest.name} ${slowest.ms.toFixed(1)} ms`,
);
if (tstFork1) {
  console.log(
    `  ${verdictOk(tstFork1.complete && tstFork1.verdict === 'ok' && tstFork1.ms < TARGET.tstFork1Ms)} tst-fork1 (5 threads) through r815 proven deadlock-free < ${TARGET.tstFork1Ms} ms: ` +
      `${tstFork1.ms.toFixed(0)} ms, ${tstFork1.complete ? 'complete' : 'NOT complete'}, verdict ${tstFork1.verdict}`,
  );
}
console.log(
  `  ${verdictOk(worstRatio <= TARGET.ratio)} DPOR executions <= ${TARGET.ratio} x traces: worst ${worstRatio.toFixed(2)}`,
);
// The target is about one check, as a reader's worker or the CLI runs it: measure the heaviest
// programs each in a process of its own (the CLI, which loads and checks one file), by its peak RSS.
// The figures above come from one process that holds all programs and their full searches.
const heaviest = [...rows]
  .sort((a, b) => b.checkExecutions - a.checkExecutions)
  .slice(0, 4)
  .map((r) => r.name);
const reportPeak =
  "data:text/javascript,process.on('exit',()=>process.stderr.write('\\nMAXRSS '+process.resourceUsage().maxRSS+'\\n'))";
const single = heaviest.map((name) => {
  const res = spawnSync(
    process.execPath,
    ['--import', reportPeak, join(root, 'bin', 'forklore.mjs'), 'check', join(examplesDir, name + '.ts')],
    { encoding: 'utf8' },
  );
  const kb = Number(/MAXRSS (\d+)/.exec(res.stderr ?? '')?.[1] ?? NaN);
  return { name, bytes: kb * 1024 };
});
const worstSingle = single.reduce((a, b) => (b.bytes > a.bytes || Number.isNaN(b.bytes) ? b : a), single[0]!);
console.log(
  `  ${verdictOk(worstSingle.bytes < TARGET.memoryMb * 1024 * 1024)} peak memory of one check < ${TARGET.memoryMb} MB (each in its own process): ` +
    single.map((x) => `${x.name} ${mb(x.bytes)} MB`).join(', '),
);
console.log(
  `       one process checking all ${rows.length} programs in turn: rss ${mb(peaks.check.rss)} MB, heap ${mb(peaks.check.heap)} MB` +
    ` (then the enumeration baseline: rss ${mb(peaks.baseline.rss)} MB, heap ${mb(peaks.baseline.heap)} MB)`,
);
