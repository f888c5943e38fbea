// A line of a C example, pulled out of the file at build time for the prose (components/CQuote.astro):
// a chapter that quotes a program names the example and a piece of the line, and the words it prints
// are the file's own, so the quote cannot drift from the code. A piece that is on no line of the
// file, or on two different lines, is an error, at build time and in tests/content/c-prose.test.ts.

export interface QuotedLine {
  /** 1-based line number in the file (the first, when the same code is on several lines). */
  line: number;
  /** Every line the code is on. */
  lines: number[];
  /** The line's code: indentation and a trailing `//` comment taken off. */
  code: string;
}

/** The code of a C source line: without its indentation and its trailing `//` comment. The
 *  `// forklore:` line is the one comment that is code to the simulator: it is kept, less the verdicts
 *  the test suite checks (expect=, also=), as the Playground shows it. */
export function codeOf(line: string): string {
  if (/^\s*\/\/\s*forklore:/.test(line))
    return line
      .trim()
      .replace(/\s(expect|also)=\S*/g, '')
      .trimEnd();
  // A `//` inside a string literal is not a comment.
  let inString: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === inString) inString = null;
    } else if (ch === '"' || ch === "'") inString = ch;
    else if (ch === '/' && line[i + 1] === '/') return line.slice(0, i).trim();
  }
  return line.trim();
}

/** The one line of `source` whose code contains `find`; throws when none does or several differ. */
export function quoteLine(source: string, find: string, file = 'the file'): QuotedLine {
  const hits = source
    .replace(/\n$/, '')
    .split('\n')
    .map((text, i) => ({ line: i + 1, code: codeOf(text) }))
    .filter((l) => l.code !== '' && l.code.includes(find));
  if (hits.length === 0) throw new Error(`${file} has no line of code containing ${JSON.stringify(find)}`);
  const codes = new Set(hits.map((h) => h.code));
  if (codes.size > 1)
    throw new Error(
      `${file}: ${JSON.stringify(find)} is on ${codes.size} different lines (${hits.map((h) => h.line).join(', ')}); quote more of the one you mean`,
    );
  return { ...hits[0]!, lines: hits.map((h) => h.line) };
}
