// The model a program is checked under (libc, strict, plash, futex, stdout): what the file exports as
// `options`, overridden item by item by the command line, with where each item came from.
import type { LibcModel, ProgramOptions } from '../types.ts';

export const LIBCS: readonly LibcModel[] = ['none', 'glibc-2.7', 'glibc'];
export const FUTEXES: readonly NonNullable<ProgramOptions['futex']>[] = ['exact', 'blocking'];
export const STDOUTS: readonly NonNullable<ProgramOptions['stdout']>[] = ['terminal', 'pipe'];

export interface Model {
  libc: LibcModel;
  strict: boolean;
  plash: boolean;
  futex: 'exact' | 'blocking';
  stdout: 'terminal' | 'pipe';
}

export type ModelSource = 'command line' | 'file' | 'default';

export const MODEL_DEFAULTS: Model = { libc: 'glibc', strict: false, plash: false, futex: 'exact', stdout: 'terminal' };

/**
 * Merges the file's options (untrusted: any value, checked here) with the command line's. A file
 * value of the wrong type is not used and is named in `ignored`.
 */
export function resolveModel(
  file: Record<string, unknown>,
  cli: Partial<Model>,
): { model: Model; source: Record<keyof Model, ModelSource>; ignored: string[] } {
  const model = { ...MODEL_DEFAULTS };
  const source: Record<keyof Model, ModelSource> = {
    libc: 'default',
    strict: 'default',
    plash: 'default',
    futex: 'default',
    stdout: 'default',
  };
  const ignored: string[] = [];
  const valid: Record<keyof Model, (v: unknown) => boolean> = {
    libc: (v) => (LIBCS as readonly unknown[]).includes(v),
    strict: (v) => typeof v === 'boolean',
    plash: (v) => typeof v === 'boolean',
    futex: (v) => (FUTEXES as readonly unknown[]).includes(v),
    stdout: (v) => (STDOUTS as readonly unknown[]).includes(v),
  };
  for (const key of Object.keys(MODEL_DEFAULTS) as (keyof Model)[]) {
    const v = file[key];
    if (v === undefined) continue;
    if (valid[key](v)) {
      (model as Record<string, unknown>)[key] = v;
      source[key] = 'file';
    } else ignored.push(key);
  }
  for (const key of Object.keys(MODEL_DEFAULTS) as (keyof Model)[]) {
    const v = cli[key];
    if (v === undefined) continue;
    (model as Record<string, unknown>)[key] = v;
    source[key] = 'command line';
  }
  return { model, source, ignored };
}
