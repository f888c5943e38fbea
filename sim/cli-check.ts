// `forklore check`, one file: its size checked, the program run in the sandbox (sim/node/check.ts),
// and the outcome turned into an exit status, the --json object and the text for the terminal.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { checkFile, MAX_SOURCE_BYTES, type Outcome } from './node/check.ts';
import { escapeText } from './node/escape.ts';
import { EXIT, type Parsed } from './cli-args.ts';
import { escapeReport, formatModel, formatReport, reportStatus, shellWord, stoppedText } from './cli-output.ts';

export interface FileResult {
  status: number;
  /** What --json prints for this file. */
  json: Record<string, unknown>;
  /** The report in words (stdout) or the error (stderr), printed in the order the files were given. */
  out?: string | undefined;
  err?: string;
}

/** `more`: other files follow this one in its worker (its next sandbox is prepared as soon as it answers). */
export async function checkOne(file: string, parsed: Parsed, more = false): Promise<FileResult> {
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
    outcome = await checkFile(file, { options: parsed.options, model: parsed.model, name }, parsed.limits, { more });
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
