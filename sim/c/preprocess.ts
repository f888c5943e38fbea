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
  /**
   * Maps a 0-based output (row, column) to a 1-based source (line, column), and the file it is in
   * when that is an #included file rather than the one being compiled.
   */
  map(row: number, column: number): { line: number; column: number; file?: string };
  /** Line (1-based) and text of `// forklore:` and `// forklore-real:` comments (of the file itself). */
  directives: Directive[];
  /** The files `#include "FILE"` read, by name as written, each with the #include in the file itself that led to it. */
  files: Map<string, { line: number; column: number }>;
}

export interface PreprocessOptions {
  /**
   * Reads `#include "NAME"` of a file that is not a known header: its text, or a sentence saying why
   * it cannot be read (thrown as a compile error at the #include). Without it such an include is an
   * error naming the file.
   */
  include?: (name: string, from: string) => string | { error: string };
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
  __ATOMIC_RELAXED: '0',
  __ATOMIC_CONSUME: '1',
  __ATOMIC_ACQUIRE: '2',
  __ATOMIC_RELEASE: '3',
  __ATOMIC_ACQ_REL: '4',
  __ATOMIC_SEQ_CST: '5',
  // tree-sitter-c 0.24 parses C11's keyword as a type name; __thread is the same storage class.
  _Thread_local: '__thread',
};

/** How deep `#include "FILE"` may nest (GCC's limit is 200; a file that includes itself stops here). */
const MAX_INCLUDE_DEPTH = 16;

/** Preprocesses `src`. Throws CError with a source position on a bad directive or unknown include. */
export function preprocess(src: string, file = 'prog.c', opts: PreprocessOptions = {}): Preprocessed {
  const ex = new Expander(file);
  for (const [name, v] of Object.entries(PREDEFINED))
    ex.macros.set(name, { name, params: null, variadic: false, body: tokenize(v, 0).map((t) => ({ ...t, col: -1 })) });
  const dirs = new Directives(ex);
  const outLines: OutLine[] = [];
  /** Per output row: the file (undefined: the file itself) and the source line its row 0 stands for. */
  const origin: { file: string | undefined; line: number }[] = [];
  const files = new Map<string, { line: number; column: number }>();
  const blank = (): OutLine => ({ text: '', segs: [{ out: 0, orig: 0, fixed: false }] });
  let directives: Directive[] = [];

  const run = (text0: string, inc: string | undefined, depth: number, top?: { line: number; column: number }): void => {
    const { lines, directives: found } = stripComments(text0);
    if (inc === undefined) directives = found;
    const push = (l: OutLine, line: number) => {
      outLines.push(l);
      origin.push({ file: inc, line });
    };
    const conds = dirs.conds.length;
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
        const r = dirs.run(trimmed.slice(1), lineNo, text.length - trimmed.length);
        for (let k = first; k <= n; k++) push(blank(), k + 1);
        if (r) {
          const where = (m: string) => new CError(m, lineNo, r.column, inc);
          if (!opts.include)
            throw where(
              `#include "${r.include}": this program is one file here; the simulator reads an included file only from the command line (forklore check), from the including file's directory`,
            );
          if (depth >= MAX_INCLUDE_DEPTH)
            throw where(`#include "${r.include}": includes nest deeper than ${MAX_INCLUDE_DEPTH}`);
          const got = opts.include(r.include, inc ?? file);
          if (typeof got !== 'string') throw where(`#include "${r.include}": ${got.error}`);
          const at = top ?? { line: lineNo, column: r.column };
          if (!files.has(r.include)) files.set(r.include, at);
          const saved = ex.file;
          ex.file = r.include;
          try {
            run(got, r.include, depth + 1, at);
          } catch (e) {
            // GCC's "In file included from": the error at the #include, naming where it is.
            if (e instanceof CError && e.file === undefined)
              throw new CError(`${r.include}:${e.line}:${e.column}: ${e.message}`, lineNo, r.column, inc);
            throw e;
          } finally {
            ex.file = saved;
          }
        }
        continue;
      }
      if (!dirs.active()) {
        for (let k = first; k <= n; k++) push(blank(), k + 1);
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
      push(ex.expandLine(toks, lineNo), lineNo);
      for (let k = first + 1; k <= n; k++) push(blank(), k + 1);
    }
    if (dirs.conds.length > conds) {
      const open = dirs.conds[dirs.conds.length - 1]!;
      throw new CError('#if without #endif', open.line, 1);
    }
  };
  run(src, undefined, 0);

  const text = outLines.map((l) => l.text).join('\n');
  return {
    text,
    includes: dirs.includes,
    directives,
    files,
    map(row: number, column: number) {
      const l = outLines[row];
      const o = origin[row];
      if (!l || !o) return { line: row + 1, column: column + 1 };
      let seg = l.segs[0]!;
      for (const s of l.segs) if (s.out <= column) seg = s;
      const pos = { line: o.line + (seg.row ?? 0), column: (seg.fixed ? seg.orig : seg.orig + (column - seg.out)) + 1 };
      return o.file === undefined ? pos : { ...pos, file: o.file };
    },
  };
}
