// The reality twin: compile every C example with gcc, run it on this machine's Linux and glibc under
// tests/reality/watchdog.c, and set what happened beside what the simulator says of its TypeScript
// twin. Used by tests/reality/reality.test.ts (in npm test) and bench/reality-bench.ts (npm run bench).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { search } from '../../sim/explore/search.ts';
import { createRun } from '../../sim/world/index.ts';
import { DEFAULTS } from '../../sim/explore/index.ts';
import type { Program, Run, Verdict } from '../../sim/types.ts';
import { explore } from '../../sim/explore/index.ts';
import { reproduce } from '../../sim/reproduce/index.ts';
import { compileC } from '../../sim/c/index.ts';

function findRoot(): string {
  // tests/reality/lib.ts in the tree, or bench/out/*.mjs once bundled: walk up to package.json.
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'content', 'examples'))) {
    const up = join(dir, '..');
    if (up === dir) throw new Error('cannot find the repository root from ' + import.meta.url);
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
export const EXAMPLES = join(ROOT, 'content', 'examples');
export const INCLUDE = join(ROOT, 'include');
const WATCHDOG_SRC = join(ROOT, 'tests', 'reality', 'watchdog.c');

/** The compile command every C example must pass unchanged (docs: C-CONVENTIONS, issue 11 item 1). */
export const GCC_FLAGS = ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread', '-I', INCLUDE];

export interface Header {
  /** `// forklore:` items: key=value, or a bare flag mapped to true. */
  forklore: Record<string, string | true>;
  /** `// forklore-real:` items; `skip` holds the reason. */
  real: { skip?: string; runs?: number; timeoutMs?: number };
}

/** Reads the `// forklore:` and `// forklore-real:` lines of a C file's leading comment. */
export function parseHeader(source: string): Header {
  const forklore: Header['forklore'] = {};
  const real: Header['real'] = {};
  for (const line of source.split('\n')) {
    if (!line.startsWith('//')) break;
    const f = /^\/\/ forklore:(.*)$/.exec(line);
    if (f) {
      for (const item of f[1]!.trim().split(/\s+/).filter(Boolean)) {
        const eq = item.indexOf('=');
        if (eq < 0) forklore[item] = true;
        else forklore[item.slice(0, eq)] = item.slice(eq + 1);
      }
    }
    const r = /^\/\/ forklore-real:\s*(.*)$/.exec(line);
    if (r) {
      const text = r[1]!.trim();
      if (text.startsWith('skip')) {
        real.skip = text.slice('skip'.length).trim();
        continue;
      }
      for (const item of text.split(/\s+/)) {
        const [k, v] = item.split('=');
        if (k === 'runs') real.runs = Number(v);
        else if (k === 'timeout-ms') real.timeoutMs = Number(v);
        else throw new Error(`unknown forklore-real item ${item}`);
      }
    }
  }
  return { forklore, real };
}

/** Every example that has a C twin, by name (without .c). */
export function cExamples(): string[] {
  return readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
}

function run(
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : null
        : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A scratch directory for binaries and runs; remove it with rmSync when done. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'forklore-reality-'));
}

export async function buildWatchdog(dir: string): Promise<string> {
  const out = join(dir, 'watchdog');
  const r = await run('gcc', ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-o', out, WATCHDOG_SRC], 60_000);
  if (r.code !== 0) throw new Error(`gcc could not build tests/reality/watchdog.c:\n${r.stderr}`);
  return out;
}

export type Compiled = { ok: true; binary: string } | { ok: false; message: string };

/** gcc with the project's flags; on failure, gcc's own message (file:line:column: error ...). */
export async function compile(name: string, dir: string): Promise<Compiled> {
  return compileFile(join(EXAMPLES, `${name}.c`), join(dir, name));
}

export async function compileFile(source: string, binary: string): Promise<Compiled> {
  const r = await run('gcc', [...GCC_FLAGS, '-o', binary, source], 60_000);
  // Paths are shown relative to the repository root, so gcc's messages read content/examples/NAME.c:LINE:COL.
  if (r.code !== 0) return { ok: false, message: r.stderr.split(ROOT + '/').join('') || `gcc exited with ${r.code}` };
  return { ok: true, binary };
}

export interface RealRun {
  run: number;
  outcome: 'exit' | 'signal' | 'hang' | 'timeout';
  status?: number;
  signal?: number;
  slow?: boolean;
  ms: number;
  evidence?: string;
  stderr?: string;
}

export interface RealResult {
  runs: RealRun[];
  hangs: number;
  /** Runs that ended with an assert's message on stderr or by SIGABRT. */
  assertions: number;
  /** Runs that exited 0 with nothing on stderr from an assert. */
  clean: number;
  timeouts: number;
  /** Runs that ended in another way (a non-zero exit, another signal). */
  other: number;
}

export const DEFAULT_RUNS = 20;
export const DEFAULT_TIMEOUT_MS = 1000;
/** Wall time one example's runs may use in all; the watchdog stops starting runs after it. */
export const BUDGET_MS = 2500;

const SIGABRT = 6;

export async function runReal(watchdog: string, binary: string, header: Header, dir: string): Promise<RealResult> {
  const runs = header.real.runs ?? DEFAULT_RUNS;
  const timeoutMs = header.real.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const cwd = mkdtempSync(join(dir, 'run-'));
  const budget = Math.max(BUDGET_MS, timeoutMs);
  // The watchdog ends by itself: runs stop at the budget, and a run lasts at most timeout + 2 s.
  const r = await run(
    watchdog,
    ['-n', String(runs), '-t', String(timeoutMs), '-b', String(budget), '-d', cwd, '--', binary],
    budget + timeoutMs + 30_000,
  );
  rmSync(cwd, { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`the watchdog failed (${r.code}): ${r.stderr}`);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RealRun & { done?: boolean });
  const done = lines.pop();
  if (!done?.done) throw new Error(`the watchdog's output ended early:\n${r.stdout}`);
  const result: RealResult = { runs: lines, hangs: 0, assertions: 0, clean: 0, timeouts: 0, other: 0 };
  for (const x of lines) {
    const asserted = (x.stderr ?? '').includes('Assertion `') || (x.outcome === 'signal' && x.signal === SIGABRT);
    if (x.outcome === 'hang') result.hangs++;
    else if (x.outcome === 'timeout') result.timeouts++;
    else if (asserted) result.assertions++;
    else if (x.outcome === 'exit' && x.status === 0) result.clean++;
    else result.other++;
  }
  return result;
}

/**
 * Bundles NAME.ts with 'forklore' pointing at the program library and imports it (as bench/sim-bench
 * does; sim/load-node.ts finds the library relative to itself, which a bundle of this file cannot).
 */
export async function loadExample(name: string, examples = EXAMPLES): Promise<Program> {
  const result = await build({
    entryPoints: [join(examples, `${name}.ts`)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
    alias: { forklore: join(ROOT, 'sim', 'api', 'index.ts') },
  });
  const dir = mkdtempSync(join(tmpdir(), 'forklore-reality-ts-'));
  const out = join(dir, `${name}.mjs`);
  writeFileSync(out, result.outputFiles[0]!.text);
  try {
    const mod = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
    return {
      main: mod.default as Program['main'],
      options: (mod.options as Program['options']) ?? {},
      expected: mod.expected as Program['expected'],
      name,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ModelFacts {
  verdict: Verdict;
  /**
   * True when every complete execution of the TypeScript twin has a finding of the expected kind: the
   * bug does not depend on the schedule, so a real run must show it every time. False when one
   * execution is free of it, or when the search could not finish within its bounds (then nothing is
   * claimed about every run).
   */
  everySchedule: boolean;
  executions: number;
  complete: boolean;
}

/**
 * What the simulator says of NAME.ts: its declared verdict, and whether every schedule shows it.
 * An exhaustive DPOR search (one execution per Mazurkiewicz trace, and a trace's outcome does not
 * depend on the order of its independent steps) that is cut off as soon as one execution is free of
 * the finding.
 */
export async function modelFacts(name: string, maxTimeMs = 10_000): Promise<ModelFacts> {
  const program = await loadExample(name);
  const verdict = program.expected?.verdict ?? 'ok';
  if (verdict === 'ok') return { verdict, everySchedule: false, executions: 0, complete: true };
  let previous: Run | null = null;
  let clean = false;
  const judge = (r: Run | null) => {
    // A run with transitions still enabled was abandoned by the search (sleep set) or cut by
    // maxSteps: not a complete execution.
    if (r && r.enabled().length === 0 && !r.findings().some((f) => f.kind === verdict)) clean = true;
  };
  const report = search(
    () => {
      judge(previous);
      previous = createRun(program, { maxSteps: DEFAULTS.maxSteps });
      return previous;
    },
    { strategy: 'dpor', stopAtFirst: false, maxTimeMs, onProgress: () => !clean },
  );
  judge(previous);
  const complete = report.completeness.complete;
  return { verdict, everySchedule: complete && !clean, executions: report.stats.executions, complete };
}

/** The forced replay of one deadlock example (tests/reality/reproduce.ts). */
export interface Forced {
  schedule: string;
  /** Empty when every decisive step is forced: then every real run must hang. */
  notForceable: string[];
  /** Forced, but with the program's environment changed (e.g. glibc limited to one arena). */
  caveats: string[];
  compile?: string;
  real?: RealResult;
}

export const FORCED_RUNS = 3;

/**
 * Makes the reproducer of NAME's first deadlock counterexample (the simulator's default search),
 * compiles it and runs it FORCED_RUNS times under the watchdog.
 */
export async function forcedReplay(name: string, watchdog: string, dir: string): Promise<Forced> {
  // The model of the C file itself, as `forklore reproduce NAME.c` reads it (sim/c).
  const cSource = readFileSync(join(EXAMPLES, `${name}.c`), 'utf8');
  const loaded = await compileC(cSource, `${name}.c`);
  if (!loaded.ok)
    return {
      schedule: '',
      notForceable: [`the C front end does not take ${name}.c: ${loaded.error.line}: ${loaded.error.message}`],
      caveats: [],
    };
  const program = loaded.program;
  // Bounded by executions, not by time: a loaded machine finds the same counterexample.
  const report = explore(program, { maxExecutions: 10_000 });
  const finding = report.findings.find((f) => f.kind === 'deadlock');
  if (!finding)
    return { schedule: '', notForceable: ['the simulator found no deadlock schedule within its bounds'], caveats: [] };
  const rep = reproduce(program, finding.schedule, cSource, `content/examples/${name}`);
  const src = join(dir, `${name}-repro.c`);
  writeFileSync(src, rep.source);
  const compiled = await compileFile(src, join(dir, `${name}-repro`));
  if (!compiled.ok)
    return { schedule: rep.schedule, notForceable: rep.notForceable, caveats: rep.caveats, compile: compiled.message };
  const real = await runReal(
    watchdog,
    compiled.binary,
    { forklore: {}, real: { runs: FORCED_RUNS, timeoutMs: 2000 } },
    dir,
  );
  return { schedule: rep.schedule, notForceable: rep.notForceable, caveats: rep.caveats, real };
}

/** One example's row: the model's side, the real side, and whether they agree. */
export interface Row {
  name: string;
  expected: string;
  skip?: string;
  compile?: string;
  model?: ModelFacts;
  real?: RealResult;
  forced?: Forced;
  /** 'agree', 'consistent' (a schedule-dependent bug not met), 'disagree', or 'skipped'. */
  agreement: 'agree' | 'consistent' | 'disagree' | 'skipped' | 'not compiled';
  why: string;
}

/**
 * The rules, from what each verdict claims about every schedule:
 * - ok: no schedule has a bug, so every real run must exit 0 with no hang, crash or failed assert.
 * - not deadlock: the verdict is the worst finding over all schedules, so no real run may hang.
 * - deadlock (or assertion) in every schedule: every real run must hang (or fail its assert).
 * - a schedule-dependent bug: seen or not seen is both consistent; the counts are reported.
 * fd-leak and unsafe-call are not observed on real runs (nothing there checks for them).
 */
export function judge(name: string, expected: string, model: ModelFacts, real: RealResult, forced?: Forced): Row {
  const row = (agreement: Row['agreement'], why: string): Row => ({
    name,
    expected,
    model,
    real,
    agreement,
    why,
    ...(forced ? { forced } : {}),
  });
  if (forced && forced.notForceable.length === 0) {
    // A forced replay that leaves no decisive step to chance must hang in every run.
    const f = forced.real;
    if (forced.compile || !f) return row('disagree', `the forced replay does not compile: ${forced.compile}`);
    if (f.hangs !== f.runs.length) {
      const other = f.runs.find((r) => r.outcome !== 'hang');
      return row(
        'disagree',
        `the forced replay of ${forced.schedule} hung in ${f.hangs} of ${f.runs.length} runs; run ${other?.run}: ${other?.outcome} ${other?.status ?? other?.signal ?? ''} ${other?.stderr ?? ''}`,
      );
    }
  }
  const n = real.runs.length;
  const first = real.runs.find((r) => !(r.outcome === 'exit' && r.status === 0 && !r.stderr?.includes('Assertion `')));
  const describe = (r: RealRun | undefined) =>
    r
      ? `run ${r.run}: ${r.outcome}${r.status !== undefined ? ' ' + r.status : ''}${r.signal !== undefined ? ' signal ' + r.signal : ''}${r.evidence ? ' (' + r.evidence + ')' : ''}${r.stderr ? ' stderr: ' + r.stderr : ''}`
      : '';
  if (real.timeouts > 0) {
    const r = real.runs.find((x) => x.outcome === 'timeout');
    return row('disagree', `${real.timeouts} of ${n} runs timed out without a proven deadlock; ${describe(r)}`);
  }
  if (expected === 'ok') {
    if (real.clean === n) return row('agree', `all ${n} runs exited 0`);
    return row(
      'disagree',
      `the simulator says ok, but ${n - real.clean} of ${n} runs did not exit 0 cleanly; first ${describe(first)}`,
    );
  }
  if (expected !== 'deadlock' && real.hangs > 0) {
    const r = real.runs.find((x) => x.outcome === 'hang');
    return row(
      'disagree',
      `no schedule deadlocks in the simulator, but ${real.hangs} of ${n} runs hung; ${describe(r)}`,
    );
  }
  if (model.everySchedule && (expected === 'deadlock' || expected === 'assertion')) {
    const seen = expected === 'deadlock' ? real.hangs : real.assertions;
    if (seen === n) return row('agree', `every schedule has the ${expected} and all ${n} runs showed it`);
    return row(
      'disagree',
      `every schedule has the ${expected} in the simulator, but only ${seen} of ${n} runs showed it; first other ${describe(real.runs.find((r) => (expected === 'deadlock' ? r.outcome !== 'hang' : !(r.stderr ?? '').includes('Assertion `') && r.signal !== SIGABRT)))}`,
    );
  }
  if (expected === 'deadlock') {
    const f =
      forced?.real && forced.notForceable.length === 0
        ? `; forced replay: ${forced.real.hangs} of ${forced.real.runs.length} hung${forced.caveats.length ? ' (with glibc limited to one arena, as the model has)' : ''}`
        : '';
    if (f) return row('agree', `${real.hangs} of ${n} free runs hung (the hang depends on the schedule)${f}`);
    if (real.hangs > 0)
      return row('agree', `${real.hangs} of ${n} runs hung for real (the hang depends on the schedule)`);
    return row(
      'consistent',
      `0 of ${n} runs hung: the deadlock depends on the schedule and was not met${forced ? '; not forced: ' + forced.notForceable[0] : ''}`,
    );
  }
  if (expected === 'assertion') {
    if (real.assertions > 0) return row('agree', `${real.assertions} of ${n} runs failed the assert for real`);
    return row('consistent', `0 of ${n} runs failed the assert: it depends on the schedule and was not met`);
  }
  return row(
    'consistent',
    `${expected} is not observed on real runs; ${real.hangs} hangs, ${real.clean} clean of ${n}`,
  );
}

/** Runs fn over items, at most `limit` at a time, keeping the order of items in the result. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Everything for one example: header, compile, model facts, real runs, verdict of agreement. */
export async function examineAll(
  names: string[],
  opts: { concurrency?: number } = {},
): Promise<{ rows: Row[]; elapsedMs: number }> {
  const started = performance.now();
  const dir = scratch();
  try {
    const watchdog = await buildWatchdog(dir);
    const rows = await pool(names, opts.concurrency ?? 3, async (name): Promise<Row> => {
      const source = readFileSync(join(EXAMPLES, `${name}.c`), 'utf8');
      const header = parseHeader(source);
      const expected = String(header.forklore.expect ?? 'ok');
      const compiled = await compile(name, dir);
      if (!compiled.ok)
        return { name, expected, compile: compiled.message, agreement: 'not compiled', why: compiled.message };
      if (header.real.skip !== undefined)
        return { name, expected, skip: header.real.skip, agreement: 'skipped', why: header.real.skip };
      const model = await modelFacts(name);
      const real = await runReal(watchdog, compiled.binary, header, dir);
      const forced =
        expected === 'deadlock' && !model.everySchedule ? await forcedReplay(name, watchdog, dir) : undefined;
      return judge(name, expected, model, real, forced);
    });
    return { rows, elapsedMs: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
