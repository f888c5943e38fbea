// `forklore check FILE...`: the simulator in a terminal. Parses options, checks each file in a sandbox
// (sim/node/check.ts: the program runs where no Node API exists, under a time and memory limit, and
// only a validated JSON report comes back) and prints the verdict in words, the stuck threads,
// statistics, the model used and the counterexample's strace log. The verdict, the report and the exit
// status are made here, by the checker; nothing a program prints or does reaches the terminal raw.
// The parts: cli-args.ts (usage, exit statuses, parsing), cli-check.ts (one file checked),
// cli-reproduce.ts (`forklore reproduce`), cli-output.ts (the report in words, escaping).
import { safeJson } from './node/escape.ts';
import { BadInput, EXIT, parseArgs, USAGE, worstStatus, type Parsed } from './cli-args.ts';
import { checkOne, type FileResult } from './cli-check.ts';
import type { Io } from './cli-output.ts';
import { reproduceCommand } from './cli-reproduce.ts';

export { EXIT, WORST_FIRST, parseArgs, parseReproduce, worstStatus } from './cli-args.ts';
export type { Parsed, ReproduceArgs } from './cli-args.ts';
export { formatModel, formatReport, reportStatus } from './cli-output.ts';
export type { Io } from './cli-output.ts';

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
  // Up to --jobs files at a time, each in its own worker; printed in the order they were given. The
  // worker of file i is handed file i + jobs next, if there is one.
  const { files, jobs } = parsed;
  const pending: Promise<FileResult>[] = [];
  let started = 0;
  const startNext = () => {
    if (started < files.length) {
      const i = started++;
      pending.push(checkOne(files[i]!, parsed, i + jobs < files.length));
    }
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
