// "Reproduce on Linux": the current counterexample of a C program as a C file that forces the same
// interleaving on real threads. The same generator as `forklore reproduce` (sim/reproduce); the replay
// headers are inlined so that the file compiles with `gcc -pthread` alone. Runs in the sandboxed
// worker, which has the program's model; only text is made: nothing is compiled or run anywhere.
// The page's button and download are in reproduce-button.ts.
import { reproduce, type ReplayHeaders } from '../../sim/reproduce/index.ts';
import type { Program } from '../../sim/types.ts';

const headerFiles = import.meta.glob<string>('../../include/*.h', { query: '?raw', import: 'default', eager: true });
const supportFiles = import.meta.glob<string>('../../include/support/*', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** include/forklore-replay.h, include/forklore.h and include/support/ (tst-fork1's driver), as the site was built with them. */
export function replayHeaders(): ReplayHeaders {
  const get = (name: string) => {
    const text = headerFiles[`../../include/${name}`];
    if (text === undefined) throw new Error(`include/${name} is not in this build`);
    return text;
  };
  const support = Object.fromEntries(
    Object.entries(supportFiles).map(([path, text]) => [path.slice('../../include/support/'.length), text]),
  );
  return { replay: get('forklore-replay.h'), plash: get('forklore.h'), support };
}

export interface Reproduction {
  fileName: string;
  text: string;
  /** Steps the replay cannot force (empty: every run of a deadlock's reproducer hangs). */
  notForceable: string[];
}

/**
 * The reproducer of `schedule` for `program`, the model of the C source `cSource` (named `name`).
 * Throws with the step where the schedule leaves the program when it does not fit.
 */
export function makeReproduction(program: Program, schedule: string, cSource: string, name: string): Reproduction {
  const base = name.replace(/\.c$/, '').replace(/[^\w.-]/g, '_') || 'program';
  const rep = reproduce(program, schedule, cSource, base, replayHeaders());
  return { fileName: `${base}-repro.c`, text: rep.source, notForceable: rep.notForceable };
}
