// The command line's words: the usage text, the exit statuses, and the parsing of `check` and
// `reproduce` arguments (every value checked here, with a message fit for stderr).
import { availableParallelism } from 'node:os';
import { decodeSchedule } from './explore/schedule.ts';
import type { ExploreOptions, StrategyName } from './types.ts';
import { DEFAULT_LIMITS, type Limits } from './node/check.ts';
import { FUTEXES, LIBCS, STDOUTS, type Model } from './node/model.ts';
import { escapeText } from './node/escape.ts';

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

export const USAGE = `usage: forklore check FILE... [options]
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
  --stdout KIND           terminal (default: line buffered) or pipe (fully buffered, as in prog | cat)
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
export class BadInput extends Error {}

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
    } else if (arg === '--stdout') {
      const v = value();
      if (!(STDOUTS as readonly string[]).includes(v))
        throw new BadInput(`--stdout must be one of ${STDOUTS.join(', ')} (got "${escapeText(v)}")`);
      model.stdout = v as Model['stdout'];
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

/** The batch's status: the worst of its files'. */
export function worstStatus(statuses: readonly number[]): number {
  for (const s of WORST_FIRST) if (statuses.includes(s)) return s;
  return EXIT.ok;
}

export interface ReproduceArgs {
  file: string;
  schedule: string;
  out?: string | undefined;
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
