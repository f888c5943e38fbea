// The preprocessor's tokens: one logical line (comments removed) as identifiers, numbers, literals,
// punctuators and runs of whitespace, each with its column in the original line.

export class CError extends Error {
  readonly line: number;
  readonly column: number;
  /** The file the position is in, when it is not the file being compiled (one it #includes). */
  file: string | undefined;
  constructor(message: string, line: number, column: number, file?: string) {
    super(message);
    this.name = 'CError';
    this.line = line;
    this.column = column;
    this.file = file;
  }
}

export interface Macro {
  name: string;
  params: string[] | null; // null: object-like
  variadic: boolean;
  body: Tok[];
}

export interface Tok {
  k: 'id' | 'num' | 'str' | 'chr' | 'punct' | 'ws';
  v: string;
  /** Column (0-based) in the original line; -1 for tokens made by an expansion. */
  col: number;
  /** Lines below the first of a macro call whose arguments span lines (absent: 0). */
  row?: number;
}

/** One output line: its text and the column map back to the original line. */
export interface OutLine {
  text: string;
  /**
   * Sorted by out: from output column `out` on, original column = orig + (col - out), or `orig` when
   * fixed, on the line `row` lines below this one (a macro call's arguments may span lines).
   */
  segs: { out: number; orig: number; fixed: boolean; row?: number }[];
}

const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = [
  '##',
  '->',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '^=',
  '|=',
];

/** Tokenizes one logical line (comments already removed). */
export function tokenize(s: string, line: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      let j = i;
      while (j < s.length && /[ \t\r\f\v]/.test(s[j]!)) j++;
      out.push({ k: 'ws', v: s.slice(i, j), col: i });
      i = j;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_$]/.test(s[j]!)) j++;
      out.push({ k: 'id', v: s.slice(i, j), col: i });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[i + 1] ?? ''))) {
      let j = i;
      while (
        j < s.length &&
        (/[A-Za-z0-9_.]/.test(s[j]!) || ((s[j] === '+' || s[j] === '-') && /[eEpP]/.test(s[j - 1]!)))
      )
        j++;
      out.push({ k: 'num', v: s.slice(i, j), col: i });
      i = j;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new CError(`unterminated ${c === '"' ? 'string' : 'character'} literal`, line, i + 1);
      out.push({ k: c === '"' ? 'str' : 'chr', v: s.slice(i, j + 1), col: i });
      i = j + 1;
    } else {
      const p = PUNCT3.find((p) => s.startsWith(p, i)) ?? PUNCT2.find((p) => s.startsWith(p, i)) ?? c;
      out.push({ k: 'punct', v: p, col: i });
      i += p.length;
    }
  }
  return out;
}

/** `a` without leading and trailing whitespace tokens. */
export function trimWs(a: Tok[]): Tok[] {
  let s = 0;
  let e = a.length;
  while (s < e && a[s]!.k === 'ws') s++;
  while (e > s && a[e - 1]!.k === 'ws') e--;
  return a.slice(s, e);
}
