// What the terminal shows: a report in words, the model line, the exit status a report earns, the
// messages for a stopped file, and the escaping of every string a program could have chosen.
import { explain, renderStrace } from './render/index.ts';
import type { Report } from './types.ts';
import type { Limits, Outcome } from './node/check.ts';
import type { Model, ModelSource } from './node/model.ts';
import { escapeDeep, escapeText } from './node/escape.ts';
import { EXIT } from './cli-args.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
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
    // Named when chosen: the default terminal goes without saying.
    ...(source.stdout === 'default' ? [] : [part('stdout', `stdout ${model.stdout}`)]),
  ].join(', ')}.`;
}

/** The exit status a report earns. */
export function reportStatus(report: Report): number {
  if (report.verdict !== 'ok') return EXIT.bug;
  return report.completeness.complete ? EXIT.ok : EXIT.incomplete;
}

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;
export const shellWord = (s: string) => (SHELL_SAFE.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function limitText(what: 'time' | 'memory' | 'stack', limits: Limits): string {
  if (what === 'time') return `the time limit (${limits.timeMs / 1000} s, --time-limit)`;
  if (what === 'memory') return `the memory limit (${limits.memoryMb} MiB, --memory-limit)`;
  return 'the stack limit';
}

export function stoppedText(o: Extract<Outcome, { kind: 'stopped' }>, limits: Limits): string {
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

/** Trace fields that the strace log prints through its own quoting (JSON string escapes). */
const QUOTED_BY_STRACE = new Set(['text', 'path', 'what', 'message']);

/**
 * The report with every string a program could have chosen escaped for a terminal, except the trace
 * fields the strace log quotes itself (escaping those twice would show "\\n" and miscount bytes).
 */
export function escapeReport(report: Report): Report {
  const events = (trace: Report['findings'][number]['trace']) =>
    trace.map((e) => ({
      ...e,
      // Every field again, escaped: the event keeps its type and its fields, only their text changes.
      ...Object.fromEntries(
        Object.entries(e).map(([k, v]) => [k, QUOTED_BY_STRACE.has(k) && typeof v === 'string' ? v : escapeDeep(v)]),
      ),
    }));
  const { findings, sample, ...rest } = report;
  return {
    ...escapeDeep(rest),
    findings: findings.map(({ trace, ...f }) => ({ ...escapeDeep(f), trace: events(trace) })),
    ...(sample ? { sample: { schedule: escapeText(sample.schedule), trace: events(sample.trace) } } : {}),
  };
}
