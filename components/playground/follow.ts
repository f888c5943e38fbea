// The buggy program's failing schedule, played on the fixed program: the same threads take their
// turns in the same order for as long as they can; where a thread cannot move (the fixed program
// still holds the lock it wants), the next turn of a thread that can move is taken instead, and the
// blocked thread moves as soon as it can. A fork waits for the point where the buggy run forked, so
// the other threads do first what they did before the fork there: the window the fix closes is
// tried on the fix. Runs in the worker, on a world made by createRun.
import type { Run } from '../../sim/types.ts';

type Runnable = Pick<Run, 'enabled' | 'step' | 'snapshot'>;

/** The next operation of each thread, in the world's words ('_Fork()', 'fork: prepare', ...). */
function nextOps(run: Runnable): Map<number, string> {
  const out = new Map<number, string>();
  for (const p of run.snapshot().processes) for (const t of p.threads) if (t.next) out.set(t.tid, t.next);
  return out;
}

const plain = (id: string) => !/[!~]/.test(id);

/**
 * The transition ids the second program takes when it follows the turns of `path`; `forkAt` is the
 * index in `path` of the buggy run's fork step, if it forked.
 */
export function followTurns(run: Runnable, path: readonly string[], forkAt?: number, maxSteps = 5000): string[] {
  const turns = path.map((id, index) => ({ id, index, tid: Number(/^\d+/.exec(id)?.[0]) }));
  const taken: string[] = [];
  for (let n = 0; n < maxSteps; n++) {
    const en = run.enabled();
    if (!en.length) break;
    const next = forkAt !== undefined ? nextOps(run) : null;
    const early = (t: { tid: number; index: number }) => forkAt !== undefined && t.index < forkAt;
    let pick: string | undefined;
    for (let i = 0; i < turns.length && pick === undefined; i++) {
      const t = turns[i]!;
      const match = en.find((e) => e.id === t.id) ?? en.find((e) => e.tid === t.tid && plain(e.id));
      // A fork before the buggy run's fork point waits while a thread with an earlier turn can move.
      const forksEarly = !!match && early(t) && /fork/i.test(next?.get(t.tid) ?? '');
      if (
        forksEarly &&
        turns.some((u, k) => k !== i && early(u) && u.tid !== t.tid && en.some((e) => e.tid === u.tid && plain(e.id)))
      )
        continue;
      if (match) {
        pick = match.id;
        turns.splice(i, 1);
      }
    }
    // Turns used up (the fixed program takes more steps): the lowest thread that can move goes on.
    pick ??= [...en].filter((e) => plain(e.id)).sort((a, b) => a.tid - b.tid)[0]?.id ?? en[0]!.id;
    run.step(pick);
    taken.push(pick);
  }
  return taken;
}
