// Findings in words: what went wrong, and for a deadlock what each stuck thread waits for and why.
import type { Finding } from '../types.ts';

/** Sentences explaining a finding, the most important first. */
export function explain(finding: Pick<Finding, 'kind' | 'message' | 'stuck'>): string[] {
  const out = [finding.message];
  if (finding.kind === 'deadlock' && finding.stuck) {
    for (const s of finding.stuck) if (!finding.message.includes(s.sentence)) out.push(s.sentence);
    const orphan = finding.stuck.find((s) => s.holderLeftBehindByFork);
    if (orphan) {
      out.push(
        `Only the thread that called fork is copied into the child, so no thread in process ${orphan.pid} will ever unlock it.`,
      );
    }
  }
  return out;
}
