// Findings in words: what went wrong, and for a deadlock what each stuck thread waits for and why.
import type { Finding } from '../types.ts';

/** Sentences explaining a finding, the most important first. */
export function explain(finding: Pick<Finding, 'kind' | 'message' | 'stuck'>): string[] {
  const out = [finding.message];
  switch (finding.kind) {
    case 'deadlock': {
      for (const s of finding.stuck ?? []) if (!finding.message.includes(s.sentence)) out.push(s.sentence);
      const orphan = finding.stuck?.find((s) => s.holderLeftBehindByFork);
      if (orphan) {
        out.push(
          `Only the thread that called fork is copied into the child, so no thread in process ${orphan.pid} will ever unlock it.`,
        );
      }
      break;
    }
    case 'fd-leak':
      out.push(
        'Holding the lock that guards clone_connection() across the fork, as Plash revision 815 does, closes the window. A close-on-fork flag would keep the descriptor out of every child, including the one that needs it.',
      );
      break;
    case 'unsafe-call':
      if (/handler/.test(finding.message)) {
        out.push(
          'A handler may run between any two steps of the thread it interrupts, even while that thread holds a lock inside the same function; only async-signal-safe calls such as sem_post or write are allowed there.',
        );
      }
      break;
    case 'assertion':
    case 'error':
      break;
  }
  return out;
}
