// `forklore check FILE...`: the simulator in a terminal. Parses options, checks each file in a sandbox
// (sim/node/check.ts: the program runs where no Node API exists, under a time and memory limit, and
// only a validated JSON report comes back) and prints the verdict in words, the stuck threads,
// statistics, the model used and the counterexample's strace log. The verdict, the report and the exit
// status are made here, by the checker; nothing a program prints or does reaches the terminal raw.
import { statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { decodeSchedule } from './explore/schedule.ts';
import { explain, renderStrace } from './render/index.ts';
import type { ExploreOptions, Report, StrategyName } from './types.ts';
import { checkFile, DEFAULT_LIMITS, MAX_SOURCE_BYTES, type Limits, type Outcome } from './node/check.ts';
import { FUTEXES, LIBCS, type Model, type ModelSource } from './node/model.ts';
import { escapeDeep, escapeText, safeJson } from './node/escape.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Exit statuses; a batch exits with the worst of its files' (see WORST_FIRST). */
export const EXIT = {
  ok: 0,
  bug: 1,
  badInput: 2,
  incomplete: 3,
  stopped: 4,
  failed: 5,
} as const;

/** The order in which a batch's statuses are compared: the first one present is the batch's. */
export const WORST_FIRST: readonly number[] = [
  EXIT.failed,
  EXIT.badInput,
  EXIT.stopped,
  EXIT.bug,
  EXIT.incomplete,
  EXIT.ok,
];

const USAGE = `usage: forklore check FILE... [options]
       forklore reproduce FILE.c [--schedule S] [-o repro.c]

Checks each program (.ts, or .c when C support is built in) in a sandbox and reports deadlocks,
failed assertions, leaked descriptors and unsafe calls after fork. The program runs where no Node
API exists (a QuickJS WebAssembly engine), under a time and a memory limit; it cannot read files,
the environment or the network, and it cannot change the verdict or the exit status.

search:
  --strategy NAME         dpor (default, exhaustive), enumerate, random, pct, replay
  --runs N                random/pct: number of runs (default 1000)
  --seed S                random/pct: seed (default 1)
  --depth D               pct: bug depth (default 3)
  --schedule S            replay this schedule string (implies --strategy replay)
  --max-steps N           steps in one execution before it is cut off (default 5000)
  --max-executions N      executions before the search stops (default 100000)
  --max-time MS           the search's own time budget in milliseconds
  --preemption-bound N    explore only schedules with at most N preemptions
  --all                   keep searching after the first finding (report the worst)

model (these override what the file exports as options; the report says which was used):
  --libc NAME             none, glibc-2.7 or glibc (default glibc)
  --futex MODE            exact (default) or blocking
  --strict, --no-strict   report non-async-signal-safe calls after fork as findings
  --plash, --no-plash     every process starts with a Plash server connection at fd 3

limits (per file; they always hold, whatever the program does):
  --time-limit S          wall-clock seconds for loading and checking one file (default ${DEFAULT_LIMITS.timeMs / 1000})
  --memory-limit MB       memory for the program and the simulator, in MiB (default ${DEFAULT_LIMITS.memoryMb})

output:
  --json                  one JSON object per file, one per line
  --jobs N                check N files at a time (default: the number of CPUs, at most 4);
                          the reports come out in the order the files were given

reproduce (writes C text; compiles and runs nothing):
  forklore reproduce FILE.c [--schedule S] [-o repro.c]
                          a C program that forces the counterexample (S, or the first one the check
                          finds) on real threads; self-contained apart from gcc -pthread. Steps it
                          cannot force are listed on stderr and in the file's leading comment.

exit status (a batch exits with its worst file's, in the order 5, 2, 4, 1, 3, 0):
  0  no bug: every schedule was explored
  1  a bug was found
  2  bad input: usage, a missing file, a program that does not compile or load
  3  no bug found, but a bound (--max-executions, --max-time, --preemption-bound, --max-steps,
     or sampling with random/pct) cut the search short: not a proof
  4  stopped: the file ran past --time-limit or --memory-limit, no verdict
  5  the checker failed (its sandbox gave no valid report)`;

/** The longest schedule --schedule takes. */
const MAX_SCHEDULE_STEPS = 1_000_000;

const STRATEGIES: readonly StrategyName[] = ['dpor', 'enumerate', 'random', 'pct', 'replay'];

/** A usage error: reported on stderr with exit status 2. */
class BadInput extends Error {}

type NumberOption = 'runs' | 'seed' | 'depth' | 'maxSteps' | 'maxExecutions' | 'maxTimeMs' | 'preemptionBound';

const NUMERIC: Record<string, { key: NumberOption; min: number }> = {
  '--runs': { key: 'runs', min: 1 },
  '--seed': { key: 'seed', min: 0 },
  '--depth': { key: 'depth', min: 1 },
  '--max-steps': { key: 'maxSteps', min: 1 },
  '--max-executions': { key: 'maxExecutions', min: 1 },
  '--max-time': { key: 'maxTimeMs', min: 0 },
  '--preemption-bound': { key: 'preemptionBound', min: 0 },
};

export interface Parsed {
  files: string[];
  /** How many files are checked at the same time. */
  jobs: number;
  json: boolean;
  options: ExploreOptions;
  model: Partial<Model>;
  limits: Limits;
}

const LIMITS: Record<string, { key: keyof Limits; scale: number; min: number; max: number; unit: string }> = {
  '--time-limit': { key: 'timeMs', scale: 1000, min: 1, max: 86_400, unit: 'seconds' },
  '--memory-limit': { key: 'memoryMb', scale: 1, min: 16, max: 1536, unit: 'MiB' },
};

/** Parses `check FILE... [options]`; throws BadInput with a message fit for stderr. */
export function parseArgs(argv: readonly string[]): Parsed | 'help' {
  const args = [...argv];
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return 'help';
  const command = args.shift()!;
  if (command !== 'check')
    throw new BadInput(
      `unknown command "${escapeText(command)}" (the commands are: forklore check FILE.ts, forklore reproduce FILE.c)`,
    );
  const files: string[] = [];
  let json = false;
  const options: ExploreOptions = {};
  const model: Partial<Model> = {};
  const limits: Limits = { ...DEFAULT_LIMITS };
  let jobs = Math.max(1, Math.min(4, availableParallelism()));
  while (args.length > 0) {
    let arg = args.shift()!;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) {
      inline = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    const value = (): string => {
      const v = inline ?? args.shift();
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new BadInput(`${arg} needs a value`);
      return v;
    };
    if (['--json', '--all', '--strict', '--no-strict', '--plash', '--no-plash'].includes(arg)) {
      if (inline !== undefined) throw new BadInput(`${arg} takes no value`);
      if (arg === '--json') json = true;
      else if (arg === '--all') options.stopAtFirst = false;
      else if (arg.endsWith('strict')) model.strict = arg === '--strict';
      else model.plash = arg === '--plash';
    } else if (arg === '--libc') {
      const v = value();
      if (!(LIBCS as readonly string[]).includes(v))
        throw new BadInput(`--libc must be one of ${LIBCS.join(', ')} (got "${escapeText(v)}")`);
      model.libc = v as Model['libc'];
    } else if (arg === '--futex') {
      const v = value();
      if (!(FUTEXES as readonly string[]).includes(v))
        throw new BadInput(`--futex must be one of ${FUTEXES.join(', ')} (got "${escapeText(v)}")`);
      model.futex = v as Model['futex'];
    } else if (arg === '--jobs') {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 64)
        throw new BadInput(`--jobs must be a whole number from 1 to 64 (got "${escapeText(v)}")`);
      jobs = n;
    } else if (arg in LIMITS) {
      const { key, scale, min, max, unit } = LIMITS[arg]!;
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max)
        throw new BadInput(`${arg} must be a whole number of ${unit} from ${min} to ${max} (got "${escapeText(v)}")`);
      limits[key] = n * scale;
    } else if (arg === '--strategy') {
      const v = value();
      if (!STRATEGIES.includes(v as StrategyName))
        throw new BadInput(`--strategy must be one of ${STRATEGIES.join(', ')} (got "${escapeText(v)}")`);
      options.strategy = v as StrategyName;
    } else if (arg === '--schedule') {
      const v = value();
      // Counted before it is expanded: "1000*999999999999" would otherwise fill the memory.
      let steps = 0;
      for (const token of v.split('.')) steps += Number(/\*(\d+)$/.exec(token)?.[1] ?? 1);
      if (!(steps <= MAX_SCHEDULE_STEPS))
        throw new BadInput(
          `--schedule asks for ${steps} steps, more than ${MAX_SCHEDULE_STEPS} (an execution is cut off at --max-steps anyway)`,
        );
      try {
        decodeSchedule(v);
      } catch (e) {
        throw new BadInput(`--schedule: ${escapeText((e as Error).message)}`);
      }
      options.schedule = v;
    } else if (arg in NUMERIC) {
      const { key, min } = NUMERIC[arg]!;
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
        throw new BadInput(
          `${arg} must be a whole number${min > 0 ? ` of at least ${min}` : ''} (got "${escapeText(v)}")`,
        );
      }
      options[key] = n;
    } else if (arg.startsWith('-')) {
      throw new BadInput(`unknown option ${escapeText(arg)} (see forklore --help)`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) throw new BadInput('which program? usage: forklore check FILE.ts');
  if (options.schedule !== undefined) {
    if (options.strategy !== undefined && options.strategy !== 'replay') {
      throw new BadInput(`--schedule goes with --strategy replay, not ${options.strategy}`);
    }
    options.strategy = 'replay';
  } else if (options.strategy === 'replay') {
    throw new BadInput('--strategy replay needs --schedule S');
  }
  return { files, jobs, json, options, model, limits };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const STOPPED: Record<string, string> = {
  maxExecutions: 'it reached --max-executions',
  maxTime: 'it ran out of time (--max-time)',
  preemptionBound: 'the preemption bound left schedules out',
  maxSteps: 'an execution was cut off at --max-steps',
  cancelled: 'it was cancelled',
  sampling: 'random and PCT sample schedules; they prove nothing',
};

const VERDICT_WORDS: Record<string, string> = {
  deadlock: 'DEADLOCK',
  assertion: 'ASSERTION FAILED',
  'fd-leak': 'DESCRIPTOR LEAK',
  'unsafe-call': 'UNSAFE CALL AFTER FORK',
  error: 'ERROR',
};

/** The report in words, as the terminal shows it. */
export function formatReport(name: string, report: Report, file = 'FILE'): string {
  const lines: string[] = [];
  const { stats, completeness } = report;
  const sampled =
    stats.runs !== undefined ? `${stats.failedRuns ?? 0} of ${plural(stats.runs, 'run')} went wrong, ` : '';
  const statLine =
    `${sampled}${plural(stats.executions, 'execution')}` +
    (stats.blocked ? ` (and ${stats.blocked} cut short as redundant)` : '') +
    `, ${plural(stats.distinctOutcomes, 'distinct outcome')}, ${Math.round(stats.elapsedMs)} ms, strategy ${report.strategy}`;
  const stop = completeness.complete
    ? ''
    : `The search is incomplete: ${STOPPED[completeness.stoppedBy] ?? completeness.stoppedBy}.`;
  if (report.verdict === 'ok') {
    lines.push(
      completeness.complete
        ? `${name}: OK. No schedule goes wrong: every schedule was explored.`
        : `${name}: no bug found. ${stop}`,
    );
    lines.push(`Statistics: ${statLine}.`);
  } else {
    lines.push(`${name}: ${VERDICT_WORDS[report.verdict] ?? report.verdict.toUpperCase()}.`);
    for (const f of report.findings) {
      lines.push('');
      lines.push(`${VERDICT_WORDS[f.kind] ?? f.kind}:`);
      for (const sentence of explain(f)) lines.push(`  ${sentence}`);
      if (f.schedule === '') {
        lines.push('  Schedule: none (it went wrong before the first choice of thread).');
      } else {
        lines.push(`  Schedule: ${f.schedule}`);
        lines.push(`  Replay it: forklore check ${file} --schedule ${f.schedule}`);
      }
    }
    lines.push('');
    lines.push(`Statistics: ${statLine}.${stop && report.strategy !== 'replay' ? ` ${stop}` : ''}`);
    const first = report.findings[0]!;
    lines.push('');
    lines.push(`The ${first.kind} step by step (strace -f style):`);
    lines.push(renderStrace(first.trace));
  }
  if (report.notes.length > 0) {
    lines.push('');
    lines.push('Notes:');
    for (const n of report.notes) lines.push(`  ${n}`);
  }
  return lines.join('\n');
}

const SOURCE_WORDS: Record<ModelSource, string> = {
  'command line': 'command line',
  file: 'the file',
  default: 'default',
};

/** One line: the model the program was checked under, and where each part came from. */
export function formatModel(model: Model, source: Record<keyof Model, ModelSource>): string {
  const part = (key: keyof Model, text: string) => `${text} (${SOURCE_WORDS[source[key]]})`;
  return `Model: ${[
    part('libc', `libc ${model.libc}`),
    part('futex', `futex ${model.futex}`),
    part('strict', `strict ${model.strict ? 'on' : 'off'}`),
    part('plash', `plash ${model.plash ? 'on' : 'off'}`),
  ].join(', ')}.`;
}

/** The exit status a report earns. */
export function reportStatus(report: Report): number {
  if (report.verdict !== 'ok') return EXIT.bug;
  return report.completeness.complete ? EXIT.ok : EXIT.incomplete;
}

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;
const shellWord = (s: string) => (SHELL_SAFE.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function limitText(what: 'time' | 'memory' | 'stack', limits: Limits): string {
  if (what === 'time') return `the time limit (${limits.timeMs / 1000} s, --time-limit)`;
  if (what === 'memory') return `the memory limit (${limits.memoryMb} MiB, --memory-limit)`;
  return 'the stack limit';
}

function stoppedText(o: Extract<Outcome, { kind: 'stopped' }>, limits: Limits): string {
  const limit = limitText(o.what, limits);
  if (o.phase === 'load') return `stopped: its top-level code (before main) reached ${limit}; no verdict`;
  if (o.phase === 'search') {
    const why =
      o.what === 'time'
        ? 'A thread that loops without calling the library does this, and so does a search too large for the limit'
        : 'A thread that allocates without end does this, and so does a search too large for the limit';
    return `stopped: the search reached ${limit}; no verdict. ${why} (--max-time and --max-executions end a search with a partial report)`;
  }
  return `stopped before the program started: ${limit}`;
}

interface FileResult {
  status: number;
  /** What --json prints for this file. */
  json: Record<string, unknown>;
  /** The report in words (stdout) or the error (stderr), printed in the order the files were given. */
  out?: string;
  err?: string;
}

async function checkOne(file: string, parsed: Parsed): Promise<FileResult> {
  const shown = escapeText(file);
  const fail = (status: number, message: string, extra: Record<string, unknown> = {}): FileResult => {
    return { status, json: { file, status, error: { message, ...extra } }, err: message };
  };
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return fail(EXIT.badInput, `forklore: not a file: ${shown}`);
    size = st.size;
  } catch {
    return fail(EXIT.badInput, `forklore: no such file: ${shown}`);
  }
  if (size > MAX_SOURCE_BYTES)
    return fail(EXIT.badInput, `forklore: ${shown}: larger than ${MAX_SOURCE_BYTES >> 20} MiB`);
  const name = basename(file).replace(/\.([cm]?[jt]s|c)$/, '');
  let outcome: Outcome;
  try {
    outcome = await checkFile(file, { options: parsed.options, model: parsed.model, name }, parsed.limits);
  } catch (e) {
    outcome = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  switch (outcome.kind) {
    case 'load-error':
      return fail(EXIT.badInput, `${shown}:${outcome.line}:${outcome.column}: error: ${escapeText(outcome.message)}`, {
        line: outcome.line,
        column: outcome.column,
      });
    case 'bad-input':
      return fail(EXIT.badInput, `forklore: ${shown}: ${escapeText(outcome.message)}`);
    case 'stopped':
      return fail(EXIT.stopped, `forklore: ${shown}: ${stoppedText(outcome, parsed.limits)}`, {
        stopped: outcome.what,
        phase: outcome.phase,
      });
    case 'crash':
    case 'failed':
      return fail(EXIT.failed, `forklore: ${shown}: the checker failed: ${escapeText(outcome.message)}`);
    case 'reproducer':
      return fail(EXIT.failed, `forklore: ${shown}: the checker failed: a reproducer where a report was asked for`);
    case 'report': {
      const status = reportStatus(outcome.report);
      let text: string | undefined;
      if (!parsed.json) {
        try {
          text = formatReport(escapeText(name), escapeReport(outcome.report), shellWord(shown));
          text += `\n${formatModel(outcome.model, outcome.source)}`;
          for (const key of outcome.ignored)
            text += `\nThe file's options.${escapeText(key)} is not a valid value; it was not used.`;
          // Whatever is left (C1 controls, bidi overrides inside the strace log's quoted strings).
          text = text.split('\n').map(escapeText).join('\n');
        } catch (e) {
          return fail(
            EXIT.failed,
            `forklore: ${shown}: the checker failed: the report could not be shown (${escapeText(String(e))})`,
          );
        }
      }
      return {
        status,
        json: { file, status, model: outcome.model, modelSource: outcome.source, ...outcome.report },
        out: text,
      };
    }
  }
}

/** Trace fields that the strace log prints through its own quoting (JSON string escapes). */
const QUOTED_BY_STRACE = new Set(['text', 'path', 'what', 'message']);

/**
 * The report with every string a program could have chosen escaped for a terminal, except the trace
 * fields the strace log quotes itself (escaping those twice would show "\\n" and miscount bytes).
 */
function escapeReport(report: Report): Report {
  const events = (trace: Report['findings'][number]['trace']) =>
    trace.map((e) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(e))
        out[k] = QUOTED_BY_STRACE.has(k) && typeof v === 'string' ? v : escapeDeep(v);
      return out as unknown as typeof e;
    });
  const { findings, sample, ...rest } = report;
  return {
    ...escapeDeep(rest),
    findings: findings.map(({ trace, ...f }) => ({ ...escapeDeep(f), trace: events(trace) })),
    ...(sample ? { sample: { schedule: escapeText(sample.schedule), trace: events(sample.trace) } } : {}),
  } as Report;
}

/** The batch's status: the worst of its files'. */
export function worstStatus(statuses: readonly number[]): number {
  for (const s of WORST_FIRST) if (statuses.includes(s)) return s;
  return EXIT.ok;
}

export interface ReproduceArgs {
  file: string;
  schedule: string;
  out?: string;
  limits: Limits;
}

/** Parses `reproduce FILE.c [--schedule S] [-o OUT] [--time-limit S] [--memory-limit MB]`. */
export function parseReproduce(argv: readonly string[]): ReproduceArgs {
  const args = argv.slice(1);
  let file: string | undefined;
  let out: string | undefined;
  let schedule = '';
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '--output') {
      out = args[++i];
      if (out === undefined || out === '') throw new BadInput(`${a} needs a file name`);
    } else if (a === '--schedule' || a.startsWith('--schedule=') || a in LIMITS || a.split('=')[0]! in LIMITS) {
      rest.push(a);
      if (!a.includes('=')) rest.push(args[++i] ?? '--');
    } else if (a.startsWith('-'))
      throw new BadInput(
        `reproduce: unknown option ${escapeText(a)} (it takes --schedule S, -o FILE, --time-limit, --memory-limit)`,
      );
    else if (file !== undefined) throw new BadInput('reproduce takes one C file');
    else file = a;
  }
  if (file === undefined)
    throw new BadInput('which program? usage: forklore reproduce FILE.c [--schedule S] [-o repro.c]');
  if (!/\.c$/i.test(file))
    throw new BadInput(
      `reproduce: ${escapeText(file)} is not a C file (the forced replay is C: it takes a .c program)`,
    );
  // The schedule and the limits are checked as `check` checks them.
  const p = parseArgs(['check', file, ...rest]);
  if (p === 'help') throw new BadInput('reproduce FILE.c [--schedule S] [-o repro.c]');
  if (p.options.schedule !== undefined) schedule = p.options.schedule;
  return { file, schedule, out, limits: p.limits };
}

async function reproduceCommand(argv: readonly string[], io: Io): Promise<number> {
  let a: ReproduceArgs;
  try {
    a = parseReproduce(argv);
  } catch (e) {
    if (e instanceof BadInput) {
      io.err(`forklore: ${e.message}`);
      return EXIT.badInput;
    }
    throw e;
  }
  const shown = escapeText(a.file);
  try {
    const st = statSync(a.file);
    if (!st.isFile()) throw new Error();
    if (st.size > MAX_SOURCE_BYTES) {
      io.err(`forklore: ${shown}: larger than ${MAX_SOURCE_BYTES >> 20} MiB`);
      return EXIT.badInput;
    }
  } catch {
    io.err(`forklore: no such file: ${shown}`);
    return EXIT.badInput;
  }
  const name = basename(a.file).replace(/\.c$/i, '');
  let outcome: Outcome;
  try {
    outcome = await checkFile(a.file, { options: {}, model: {}, name, reproduce: { schedule: a.schedule } }, a.limits);
  } catch (e) {
    outcome = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
  switch (outcome.kind) {
    case 'load-error':
      io.err(`${shown}:${outcome.line}:${outcome.column}: error: ${escapeText(outcome.message)}`);
      return EXIT.badInput;
    case 'bad-input':
      io.err(`forklore: ${shown}: ${escapeText(outcome.message)}`);
      return EXIT.badInput;
    case 'stopped':
      io.err(`forklore: ${shown}: ${stoppedText(outcome, a.limits)}`);
      return EXIT.stopped;
    case 'reproducer': {
      if (a.out !== undefined) {
        try {
          writeFileSync(a.out, outcome.source);
        } catch (e) {
          io.err(`forklore: cannot write ${escapeText(a.out)}: ${escapeText((e as Error).message)}`);
          return EXIT.badInput;
        }
      } else io.out(outcome.source);
      const reordered = outcome.schedule !== outcome.given ? ` (reordered, the same trace: ${outcome.schedule})` : '';
      io.err(
        `forklore: forced replay of ${escapeText(outcome.finding)}, schedule ${escapeText(outcome.given)}${escapeText(reordered)}`,
      );
      if (outcome.notForceable.length === 0)
        io.err('forklore: every decisive step is forced: when the simulator says deadlock, every run of it hangs');
      for (const n of outcome.notForceable) io.err(`forklore: not forced: ${escapeText(n)}`);
      for (const n of outcome.caveats) io.err(`forklore: forced with a difference: ${escapeText(n)}`);
      if (a.out !== undefined) {
        const o = shellWord(escapeText(a.out));
        io.err(
          `forklore: wrote ${o}; run it with: gcc -std=gnu11 -pthread -I include -o repro ${o} && timeout 10 ./repro; echo $?   (124: it hung)`,
        );
      }
      return EXIT.ok;
    }
    case 'report':
      io.err(`forklore: ${shown}: the checker failed: a report where a reproducer was asked for`);
      return EXIT.failed;
    default:
      io.err(`forklore: ${shown}: the checker failed: ${escapeText(outcome.message)}`);
      return EXIT.failed;
  }
}

/** Runs the CLI; returns the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  if (argv[0] === 'reproduce' && !argv.includes('--help') && !argv.includes('-h')) return reproduceCommand(argv, io);
  let parsed: Parsed | 'help';
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof BadInput) {
      io.err(`forklore: ${e.message}`);
      return EXIT.badInput;
    }
    throw e;
  }
  if (parsed === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? EXIT.badInput : EXIT.ok;
  }
  // Up to --jobs files at a time, each in its own worker; printed in the order they were given.
  const { files, jobs } = parsed;
  const pending: Promise<FileResult>[] = [];
  let started = 0;
  const startNext = () => {
    if (started < files.length) pending.push(checkOne(files[started++]!, parsed));
  };
  while (started < Math.min(jobs, files.length)) startNext();
  const statuses: number[] = [];
  for (let i = 0; i < files.length; i++) {
    const r = await pending[i]!;
    startNext();
    statuses.push(r.status);
    if (parsed.json) {
      io.out(safeJson(r.json));
    } else {
      if (r.err !== undefined) io.err(r.err);
      if (r.out !== undefined) io.out(r.out);
      if (i < files.length - 1 && r.out !== undefined) io.out('');
    }
  }
  return worstStatus(statuses);
}
