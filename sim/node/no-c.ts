// Stands in for sim/c/index.ts in a build that has no C front end: every C file is refused.
import type { LoadResult } from './load-types.ts';

export function includeBeside(_file: string): (name: string, from: string) => { error: string } {
  return () => ({ error: 'C support is not in this build' });
}

export function parseC(_text: string): Promise<never> {
  return Promise.reject(new Error('C support is not in this build'));
}

export async function compileC(
  _source: string,
  file: string,
  _parse?: undefined,
  _opts?: unknown,
): Promise<LoadResult> {
  return {
    ok: false,
    error: { file, line: 1, column: 1, message: 'C support is not in this build (sim/c/ is missing)' },
  };
}
