// `forklore check FILE.ts`: the simulator in a terminal. Parses options, loads the program, explores it
// and prints the verdict in words, the stuck threads, statistics and the counterexample's strace log.
// Exit status: 0 no bug found, 1 a bug found, 2 bad input.
import { existsSync, statSync } from 'node:fs';
import { loadProgram } from './load-node.ts';
import { explore, ReplayDivergedError } from './explore/index.ts';
import { decodeSchedule } from './render/schedule.ts';
import { explain, renderStrace } from './render/index.ts';
import type { ExploreOptions, Report, StrategyName } from './types.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `usage: forklore check FILE.ts [options]

Explores every schedule of the program (or samples them) and reports deadlocks, failed assertions,
leaked descriptors and unsafe calls after fork.

options:
  --json                  print the whole report as JSON
  --strategy NAME         dpor (default, exhaustive), enumerate, random, pct, replay
  --runs N                random/pct: number of runs (default 1000)
  --seed S                random/pct: seed (default 1)
  --depth D               pct: bug depth (default 3)
  --schedule S            replay this schedule string (implies --strategy replay)
  --max-steps N           steps in one execution before it is cut off
  --max-executions N      executions before the search stops
  --max-time MS           wall-clock budget in milliseconds
  --preemption-bound N    explore only schedules with at most N preemptions
  --all                   keep searching after the first finding (report the worst)

exit status: 0 no bug found, 1 a bug found, 2 bad input`;

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

interface Parsed {
  file: string;
  json: boolean;
  options: ExploreOptions;
}

/** Parses `check FILE [options]`; throws BadInput with a message fit for stderr. */
export function parseArgs(argv: readonly string[]): Parsed | 'help' {
  const args = [...argv];
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) return 'help';
  const command = args.shift()!;
  if (command !== 'check') throw new BadInput(`unknown command "${command}" (the command is: forklore check FILE.ts)`);
  let file: string | undefined;
  let json = false;
  const options: ExploreOptions = {};
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
    if (arg === '--json' || arg === '--all') {
      if (inline !== undefined) throw new BadInput(`${arg} takes no value`);
      if (arg === '--json') json = true;
      else options.stopAtFirst = false;
    } else if (arg === '--strategy') {
      const v = value();
      if (!STRATEGIES.includes(v as StrategyName)) throw new BadInput(`--strategy must be one of ${STRATEGIES.join(', ')} (got "${v}")`);
      options.strategy = v as StrategyName;
    } else if (arg === '--schedule') {
      const v = value();
      try {
        decodeSchedule(v);
      } catch (e) {
        throw new BadInput(`--schedule: ${(e as Error).message}`);
      }
      options.schedule = v;
    } else if (arg in NUMERIC) {
      const { key, min } = NUMERIC[arg]!;
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
        throw new BadInput(`${arg} must be a whole number${min > 0 ? ` of at least ${min}` : ''} (got "${v}")`);
      }
      options[key] = n;
    } else if (arg.startsWith('-')) {
      throw new BadInput(`unknown option ${arg} (see forklore --help)`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new BadInput(`one program at a time (got "${file}" and "${arg}")`);
    }
  }
  if (file === undefined) throw new BadInput('which program? usage: forklore check FILE.ts');
  if (options.schedule !== undefined) {
    if (options.strategy !== undefined && options.strategy !== 'replay') {
      throw new BadInput(`--schedule goes with --strategy replay, not ${options.strategy}`);
    }
    options.strategy = 'replay';
  } else if (options.strategy === 'replay') {
    throw new BadInput('--strategy replay needs --schedule S');
  }
  return { file, json, options };
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
  const sampled = stats.runs !== undefined ? `${stats.failedRuns ?? 0} of ${plural(stats.runs, 'run')} went wrong, ` : '';
  const statLine =
    `${sampled}${plural(stats.executions, 'execution')}` +
    (stats.blocked ? ` (and ${stats.blocked} cut short as redundant)` : '') +
    `, ${plural(stats.distinctOutcomes, 'distinct outcome')}, ${Math.round(stats.elapsedMs)} ms, strategy ${report.strategy}`;
  const stop = completeness.complete ? '' : `The search is incomplete: ${STOPPED[completeness.stoppedBy] ?? completeness.stoppedBy}.`;
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
      lines.push(`  Schedule: ${f.schedule}`);
      lines.push(`  Replay it: forklore check ${file} --schedule ${f.schedule}`);
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

/** Runs the CLI; returns the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof BadInput) {
      io.err(`forklore: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (parsed === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const { file, json, options } = parsed;
  if (!existsSync(file) || !statSync(file).isFile()) {
    io.err(`forklore: no such file: ${file}`);
    return 2;
  }
  const loaded = await loadProgram(file);
  if (!loaded.ok) {
    const { error } = loaded;
    io.err(`${error.file}:${error.line}:${error.column}: error: ${error.message}`);
    return 2;
  }
  let report: Report;
  try {
    report = explore(loaded.program, options);
  } catch (e) {
    if (e instanceof ReplayDivergedError) {
      io.err(`forklore: ${e.message}`);
      return 2;
    }
    throw e;
  }
  io.out(json ? JSON.stringify(report, null, 2) : formatReport(loaded.program.name ?? file, report, file));
  return report.verdict === 'ok' ? 0 : 1;
}
