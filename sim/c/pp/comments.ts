// Comment removal, first of the preprocessor's passes: keeps the line structure (a block comment's
// lines become blank, a comment inside a line becomes spaces) so that positions stay where they were,
// and collects the `// forklore:` and `// forklore-real:` lines on the way.
import { CError } from './tokens.ts';

export interface Directive {
  line: number;
  key: string;
  text: string;
}

/** The lines of `src` without comments, and the `// forklore...:` directives found in them. */
export function stripComments(src: string): { lines: string[]; directives: Directive[] } {
  const directives: Directive[] = [];
  const rawLines = src.split('\n');
  const lines: string[] = [];
  let inBlock = false;
  for (let n = 0; n < rawLines.length; n++) {
    const l = rawLines[n]!;
    let out = '';
    let i = 0;
    while (i < l.length) {
      if (inBlock) {
        const e = l.indexOf('*/', i);
        if (e < 0) {
          break;
        }
        out += ' '.repeat(e + 2 - i);
        i = e + 2;
        inBlock = false;
        continue;
      }
      const c = l[i]!;
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < l.length && l[j] !== c) j += l[j] === '\\' ? 2 : 1;
        out += l.slice(i, j + 1);
        i = j + 1;
      } else if (c === '/' && l[i + 1] === '/') {
        const m = /^\/\/\s*(forklore(?:-real)?):(.*)$/.exec(l.slice(i));
        if (m) directives.push({ line: n + 1, key: m[1]!, text: m[2]!.trim() });
        break;
      } else if (c === '/' && l[i + 1] === '*') {
        inBlock = true;
        out += '  ';
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
    lines.push(out);
  }
  if (inBlock) throw new CError('unterminated /* comment', rawLines.length, 1);
  return { lines, directives };
}
