// The C tests' compile: a program, or the test fails at the line and column of the first error. The
// helpers for searching and reading runs are the world tests' (tests/sim/world-helpers.ts).
import { compileC } from '../../sim/c/index.ts';
import type { Program } from '../../sim/types.ts';

/** Compiles C source or throws with the line and column of the first error. */
export async function compileOrThrow(source: string, file: string): Promise<Program> {
  const r = await compileC(source, file);
  if (!r.ok) throw new Error(`${file}:${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.program;
}
