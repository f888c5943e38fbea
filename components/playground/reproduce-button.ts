// "Reproduce on Linux": the current counterexample of a C program as a C file that forces the same
// interleaving on real threads, downloaded by the browser. The same generator as
// `forklore reproduce` (sim/reproduce); the replay headers are inlined so that the file compiles with
// `gcc -pthread` alone. Only text is made here: nothing is compiled or run, in the page or anywhere.
import { reproduce, type ReplayHeaders } from '../../sim/reproduce/index.ts';
import type { Program } from '../../sim/types.ts';

const headerFiles = import.meta.glob<string>('../../include/*.h', { query: '?raw', import: 'default', eager: true });

/** include/forklore-replay.h and include/forklore.h, as the site was built with them. */
export function replayHeaders(): ReplayHeaders {
  const get = (name: string) => {
    const text = headerFiles[`../../include/${name}`];
    if (text === undefined) throw new Error(`include/${name} is not in this build`);
    return text;
  };
  return { replay: get('forklore-replay.h'), plash: get('forklore.h') };
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

/** Hands the file to the browser's download (a Blob URL on a temporary link). */
export function download(r: Reproduction, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([r.text], { type: 'text/x-csrc' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = r.fileName;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A "Reproduce on Linux" button for `host`. `current` gives the C program's model, source, name and
 * the counterexample's schedule, or null when there is none (then the button says so and does nothing).
 */
export function reproduceButton(
  host: HTMLElement,
  current: () => { program: Program; source: string; name: string; schedule: string } | null,
): HTMLButtonElement {
  const doc = host.ownerDocument;
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'fl-pg-reproduce';
  button.textContent = 'Reproduce on Linux';
  button.title = 'Download a C program that forces this schedule on real threads (gcc -pthread; run it with timeout)';
  const status = doc.createElement('span');
  status.className = 'fl-pg-reproduce-status';
  status.setAttribute('role', 'status');
  button.addEventListener('click', () => {
    const c = current();
    if (!c) {
      status.textContent = 'No counterexample to reproduce: run the check first.';
      return;
    }
    try {
      const r = makeReproduction(c.program, c.schedule, c.source, c.name);
      download(r, doc);
      status.textContent = r.notForceable.length
        ? `Downloaded ${r.fileName}. Not forced: ${r.notForceable.join('; ')}.`
        : `Downloaded ${r.fileName}: gcc -pthread -o repro ${r.fileName} && timeout 10 ./repro; echo $? (124: it hung).`;
    } catch (e) {
      status.textContent = `Cannot reproduce: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
  host.append(button, status);
  return button;
}
