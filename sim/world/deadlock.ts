// The end of a run with nothing enabled while a process still lives: a deadlock, explained thread by
// thread. Each op's sentence comes from its model (OPS[op.k].stuck); this file holds the rest.
import type { StuckThread } from '../types.ts';
import type { Kernel } from './kernel.ts';
import type { Proc, Thread } from './state.ts';
import { modelOf } from './ops/index.ts';

/** Why `t`, which has a next operation it will never take, is stuck. */
export function explainStuck(k: Kernel, t: Thread): StuckThread {
  const o = t.pending!;
  const model = modelOf(o);
  if (model.stuck) return model.stuck(k, t, o);
  return {
    pid: t.pid,
    tid: t.tid,
    waitsFor: { kind: 'op', op: o.k },
    sentence: `Thread ${t.tid} of process ${t.pid} cannot continue (${model.describe(o)}).`,
  };
}

/**
 * The deadlock finding of a run that cannot go on, or null when every process has exited. Also ends
 * the log of each call that never returns as strace would show it (unfinished).
 */
export function deadlockOf(
  k: Kernel,
  procs: Iterable<Proc>,
  threads: readonly Thread[],
): { message: string; stuck: StuckThread[] } | null {
  const hung = [...procs].filter((p) => !p.exited);
  if (hung.length === 0) return null;
  const stuck: StuckThread[] = [];
  for (const t of threads) {
    if (t.exited || !t.pending) continue;
    stuck.push(explainStuck(k, t));
    modelOf(t.pending).unfinished?.(k, t, t.pending);
  }
  const lead = leadSentence(stuck);
  const pids = hung.map((p) => p.pid).join(', ');
  const many = hung.length > 1;
  return {
    message: `Deadlock: no thread can make progress and process${many ? 'es' : ''} ${pids} never exit${many ? '' : 's'}.${lead ? ' ' + lead : ''}`,
    stuck,
  };
}

/**
 * What the deadlock message leads with: a cycle of threads each waiting for a lock the next one
 * holds; else a lock left behind by fork; else the wait that matters (a lock, a condition variable,
 * a semaphore) before the waits that only wait for other threads (pthread_join, waitpid).
 */
function leadSentence(stuck: StuckThread[]): string | undefined {
  const byTid = new Map(stuck.map((s) => [s.tid, s]));
  for (const start of stuck) {
    const path: { s: StuckThread; lock: string }[] = [];
    let cur: StuckThread | undefined = start;
    while (
      cur &&
      cur.waitsFor.kind === 'mutex' &&
      cur.holder !== undefined &&
      cur.holder !== cur.tid &&
      !path.some((p) => p.s === cur)
    ) {
      path.push({ s: cur, lock: cur.waitsFor.name });
      const next = byTid.get(cur.holder);
      if (next && next.pid !== cur.pid) break;
      cur = next;
    }
    if (cur && path.length > 1 && cur === path[0]!.s) {
      // Each thread in the cycle holds the lock the one before it waits for.
      const parts = path.map(({ s, lock }, i) => {
        const prev = path[(i + path.length - 1) % path.length]!;
        return `thread ${s.tid} holds ${prev.lock} and waits for ${lock}`;
      });
      return `Threads ${path.map(({ s }) => s.tid).join(' and ')} of process ${start.pid} wait for each other (the locks are taken in opposite orders): ${parts.join('; ')}.`;
    }
  }
  const rank = (s: StuckThread): number => {
    if (s.holderLeftBehindByFork) return 0;
    switch (s.waitsFor.kind) {
      case 'mutex':
        // A lock its own forking thread took, or one whose holder is gone, in another process, or
        // exited, matters more than one held by a thread that is itself stuck (that one explains it).
        if (s.holderIsForkingThread || s.holder === undefined) return 1;
        return !byTid.has(s.holder) || byTid.get(s.holder)!.pid !== s.pid ? 1 : 2;
      case 'cond':
      case 'sem':
        return 3;
      case 'join':
        return 6;
      case 'waitpid':
        return 7;
      default:
        return 4;
    }
  };
  let best: StuckThread | undefined;
  for (const s of stuck) if (!best || rank(s) < rank(best)) best = s;
  return best?.sentence;
}
