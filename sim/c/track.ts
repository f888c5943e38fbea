// Line marks for following a C program step by step: with `track` on, each compiled statement passes
// its operations through a wrapper that marks every one no inner statement marked first with the C
// line of the statement. The Playground's worker reads the mark of the operation a thread waits to
// make (components/playground/positions.ts) to show where each thread is at every step.
import type { S } from './forms.ts';
import { marked } from '../position.ts';

/** `s` with its operations marked with `line`; a statement that never steps is returned as it is. */
export function trackLine(s: S, line: number): S {
  if (s.pure) return s;
  return function* (fr) {
    return yield* marked(s(fr), line);
  };
}
