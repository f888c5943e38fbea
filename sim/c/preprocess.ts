// The C front end's preprocessor: #include of known headers (by name, never read), object-like and
// function-like #define (with # and ##), #undef, #if/#ifdef/#ifndef/#elif/#else/#endif with defined(),
// #error. Output keeps one output line per input line, so a position in the output maps back to the
// source with `map(line, column)`: columns shift only where a macro was expanded (a position inside an
// expansion maps to the macro's use). Runs in Node and in a Web Worker (no I/O).
// The passes live in sim/c/pp/: comments.ts, tokens.ts, directive.ts, if-expr.ts, expand.ts.
import { stripComments, type Directive } from './pp/comments.ts';
import { Directives } from './pp/directive.ts';
import { Expander } from './pp/expand.ts';
import { CError, tokenize, type OutLine } from './pp/tokens.ts';

export { CError } from './pp/tokens.ts';
export { KNOWN_HEADERS, PROJECT_HEADERS } from './pp/directive.ts';

export interface Preprocessed {
  text: string;
  /** Headers included, by name (e.g. 'pthread.h', 'forklore.h', 'support/test-driver.c'). */
  includes: Set<string>;
  /** Maps a 0-based output (row, column) to a 1-based source (line, column). */
  map(row: number, column: number): { line: number; column: number };
  /** Line (1-based) and text of `// forklore:` and `// forklore-real:` comments. */
  directives: Directive[];
}

const PREDEFINED: Record<string, string> = {
  __STDC__: '1',
  __STDC_VERSION__: '201112L',
  __linux__: '1',
  __unix__: '1',
  __GNUC__: '12',
  __GLIBC__: '2',
  __GLIBC_MINOR__: '36',
  __x86_64__: '1',
  __FORKLORE__: '1',
};

/** Preprocesses `src`. Throws CError with a source position on a bad directive or unknown include. */
export function preprocess(src: string, file = 'prog.c'): Preprocessed {
  const ex = new Expander(file);
  for (const [name, v] of Object.entries(PREDEFINED))
    ex.macros.set(name, { name, params: null, variadic: false, body: tokenize(v, 0).map((t) => ({ ...t, col: -1 })) });
  const dirs = new Directives(ex);
  const { lines, directives } = stripComments(src);
  const outLines: OutLine[] = [];
  const blank = (): OutLine => ({ text: '', segs: [{ out: 0, orig: 0, fixed: false }] });

  for (let n = 0; n < lines.length; n++) {
    // Join backslash continuations; the joined lines become blank.
    let text = lines[n]!;
    const first = n;
    while (text.endsWith('\\') && n + 1 < lines.length) {
      text = text.slice(0, -1) + lines[++n]!;
    }
    const lineNo = first + 1;
    const trimmed = text.trimStart();
    if (trimmed.startsWith('#')) {
      dirs.run(trimmed.slice(1), lineNo, text.length - trimmed.length);
      for (let k = first; k <= n; k++) outLines.push(blank());
      continue;
    }
    if (!dirs.active()) {
      for (let k = first; k <= n; k++) outLines.push(blank());
      continue;
    }
    // A function-like macro call whose arguments go on past this line takes in the next lines, which
    // become blank; its expansion stands on its first line.
    let toks = tokenize(text, lineNo);
    for (let call = ex.openCall(toks); call && n + 1 < lines.length; call = ex.openCall(toks)) {
      const row = n + 1 - first;
      let more = lines[++n]!;
      while (more.endsWith('\\') && n + 1 < lines.length) more = more.slice(0, -1) + lines[++n]!;
      if (more.trimStart().startsWith('#'))
        throw new CError(
          `a directive inside the arguments of macro ${call.v} (outside the supported subset)`,
          n + 1,
          1,
        );
      const last = toks[toks.length - 1];
      const end = last ? ((last.row ?? 0) === row - 1 ? last.col + last.v.length : 0) : 0;
      toks.push({ k: 'ws', v: ' ', col: end, ...(row > 1 ? { row: row - 1 } : {}) });
      toks = toks.concat(tokenize(more, n + 1).map((x) => ({ ...x, row })));
    }
    outLines.push(ex.expandLine(toks, lineNo));
    for (let k = first + 1; k <= n; k++) outLines.push(blank());
  }
  const open = dirs.conds[dirs.conds.length - 1];
  if (open) throw new CError('#if without #endif', open.line, 1);

  const text = outLines.map((l) => l.text).join('\n');
  return {
    text,
    includes: dirs.includes,
    directives,
    map(row: number, column: number) {
      const l = outLines[row];
      if (!l) return { line: row + 1, column: column + 1 };
      let seg = l.segs[0]!;
      for (const s of l.segs) if (s.out <= column) seg = s;
      return { line: row + 1 + (seg.row ?? 0), column: (seg.fixed ? seg.orig : seg.orig + (column - seg.out)) + 1 };
    },
  };
}
