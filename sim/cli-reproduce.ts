// `forklore reproduce FILE.c`: the sandbox turns the program's counterexample into a forced-replay C
// program (sim/reproduce/); this writes it out and says on stderr which steps are not forced.
import { statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { checkFile, MAX_SOURCE_BYTES, type Outcome } from './node/check.ts';
import { escapeText } from './node/escape.ts';
import { BadInput, EXIT, parseReproduce, type ReproduceArgs } from './cli-args.ts';
import { shellWord, stoppedText, type Io } from './cli-output.ts';

export async function reproduceCommand(argv: readonly string[], io: Io): Promise<number> {
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
          `forklore: wrote ${o}; run it with: gcc -std=gnu11 -pthread -o repro ${o} && timeout 10 ./repro; echo $?   (124: it hung)`,
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
