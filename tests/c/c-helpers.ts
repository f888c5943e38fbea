// What the C tests share: a program compiled or the test fails at its line, a search that keeps every
// run it made, and what a run wrote to stdout or how its first process exited.
import { compileC } from '../../sim/c/index.ts';
import { createRun, search } from '../../sim/index.ts';
import type { ExploreOptions, Program, Report, Run } from '../../sim/types.ts';

/** Compiles C source or throws with the line and column of the first error. */
export async function compileOrThrow(source: string, file: string): Promise<Program> {
  const r = await compileC(source, file);
  if (!r.ok) throw new Error(`${file}:${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.program;
}

/** A search over `program` that keeps each run it made, for reading what each one did. */
export function searchRuns(program: Program, options: ExploreOptions): { report: Report; runs: Run[] } {
  const runs: Run[] = [];
  const report = search(() => {
    const r = createRun(program);
    runs.push(r);
    return r;
  }, options);
  return { report, runs };
}

/** The runs that finished: no thread left to step. */
export const finished = (runs: readonly Run[]): Run[] => runs.filter((r) => r.enabled().length === 0);

/** What a run wrote to fd 1, in order. */
export const stdoutOf = (run: Run): string =>
  run
    .trace()
    .filter((e) => e.type === 'io.write' && e.fd === 1)
    .map((e) => (e as { text: string }).text)
    .join('');

/** How the first process (pid 1000) exited, if it did. */
export const mainExit = (run: Run): { status: number; how: string } | undefined =>
  run.trace().find((e) => e.type === 'proc.exit' && e.pid === 1000) as { status: number; how: string } | undefined;
