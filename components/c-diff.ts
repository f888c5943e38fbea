// The lines that differ between the C files of a buggy/fixed pair, grouped into hunks, for the prose
// (components/CDiff.astro): computed at build time from the files themselves, so a quote of the
// fix never goes stale. The verdicts the `// forklore:` header declares (expect=deadlock against
// expect=ok), `// forklore-real:` notes and blank lines are not part of the fix and are left out, as
// are hunks that change only comments; a header that names another libc model is the fix, and stays.

import { lcsLengths } from './playground/diff.ts';

export interface DiffLine {
  /** 1-based line number in its own file. */
  line: number;
  text: string;
}

/** One place where the files part: the buggy file's lines there and the fixed file's. */
export interface Hunk {
  removed: DiffLine[];
  added: DiffLine[];
}

const HEADER = /^\s*\/\/\s*forklore:/;
const ignored = (s: string) => s.trim() === '' || /^\s*\/\/\s*forklore-real:/.test(s);
/** A line as compared: a header without its declared verdicts. */
const key = (s: string) => (HEADER.test(s) ? s.replace(/\s(expect|also)=\S*/g, '').trimEnd() : s);

/** Hunks of a longest-common-subsequence line diff of `a` (buggy) and `b` (fixed). */
export function diffHunks(a: string, b: string): Hunk[] {
  const x0 = a.replace(/\n$/, '').split('\n');
  const y0 = b.replace(/\n$/, '').split('\n');
  const x = x0.map(key);
  const y = y0.map(key);
  const n = x.length;
  const m = y.length;
  const lcs = lcsLengths(x, y);
  const hunks: Hunk[] = [];
  let cur: Hunk | null = null;
  const push = (side: 'removed' | 'added', line: number, text: string) => {
    if (ignored(text)) return;
    cur ??= { removed: [], added: [] };
    cur[side].push({ line, text });
  };
  const close = () => {
    if (cur) hunks.push(cur);
    cur = null;
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      // A shared blank line does not end a hunk; a shared line of code does.
      if (x[i]!.trim() !== '') close();
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      push('removed', i + 1, x0[i]!);
      i++;
    } else {
      push('added', j + 1, y0[j]!);
      j++;
    }
  }
  close();
  // A hunk of comments alone (the file's description, a reworded note) is not the fix.
  const comment = (l: DiffLine) => /^\s*(\/\/|\/\*|\*)/.test(l.text) && !HEADER.test(l.text);
  return hunks.filter((h) => ![...h.removed, ...h.added].every(comment));
}

/** The hunks as unified-diff text: '- ' for the buggy file's lines, '+ ' for the fixed file's. */
export function diffText(hunks: Hunk[]): string {
  return hunks
    .map((h) => [...h.removed.map((l) => `- ${l.text}`), ...h.added.map((l) => `+ ${l.text}`)].join('\n'))
    .join('\n…\n');
}
