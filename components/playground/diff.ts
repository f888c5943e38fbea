// Which lines differ between two programs (a longest-common-subsequence line diff), so a buggy/fixed
// pair can mark the lines the prose talks about.

/** lcs[i][j]: the length of the longest common subsequence of x[i..] and y[j..]. */
export function lcsLengths(x: readonly string[], y: readonly string[]): number[][] {
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  return lcs;
}

/** 1-based line numbers of `a` and of `b` that are not part of their longest common subsequence. */
export function changedLines(a: string, b: string): { a: Set<number>; b: Set<number> } {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs = lcsLengths(x, y);
  const ca = new Set<number>();
  const cb = new Set<number>();
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) ca.add(++i);
    else cb.add(++j);
  }
  while (i < n) ca.add(++i);
  while (j < m) cb.add(++j);
  return { a: ca, b: cb };
}

/** A short stable hash of a text, to notice that the site's version of an example changed. */
export function textHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}
