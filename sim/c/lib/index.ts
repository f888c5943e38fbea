// The C library calls the front end maps onto the engine, by name (one file per family).
import type { Builtin } from '../forms.ts';
import { ATOMICS } from './atomic.ts';
import { FILES } from './files.ts';
import { IO } from './io.ts';
import { PROCESSES } from './process.ts';
import { SIGNALS } from './signal.ts';
import { STRINGS } from './string.ts';
import { SUPPORT } from './support.ts';
import { THREADS } from './thread.ts';

const ALL: Record<string, Builtin> = {
  ...THREADS,
  ...PROCESSES,
  ...IO,
  ...FILES,
  ...SIGNALS,
  ...SUPPORT,
  ...STRINGS,
  ...ATOMICS,
};
// <stdio.h>'s putc and getc are fputc and fgetc (glibc defines them as the same functions).
export const BUILTINS: Record<string, Builtin> = { ...ALL, putc: ALL.fputc!, getc: ALL.fgetc! };
