// The C editor's highlighting (components/playground/editor-c.ts): CodeMirror's legacy clike C mode
// through StreamLanguage. Each kind of C token a reader writes gets its highlight class; directives,
// comments and strings do not leak into the code after them.
import { describe, expect, it } from 'vitest';
import { highlightTree, classHighlighter } from '@lezer/highlight';
import { cLanguage } from '../../components/playground/editor-c.ts';

function classesOf(src: string): Map<string, string> {
  const tree = cLanguage.parser.parse(src);
  const out = new Map<string, string>();
  highlightTree(tree, classHighlighter, (from, to, cls) => out.set(src.slice(from, to), cls));
  return out;
}

describe('the C editor highlights C', () => {
  it('keywords, types, strings, numbers, comments and directives', () => {
    const c = classesOf(
      '#include <pthread.h>\n/* a\n comment */\nstatic int n = 42; // note\nint main(void) { if (n) return printf("x %d", n); }\n',
    );
    expect(c.get('#include <pthread.h>')).toMatch(/tok-meta/);
    expect(c.get('/* a')).toMatch(/tok-comment/);
    expect(c.get('comment */')).toMatch(/tok-comment/);
    expect(c.get('static')).toMatch(/tok-keyword/);
    expect(c.get('int')).toMatch(/tok-typeName|tok-keyword/);
    expect(c.get('42')).toMatch(/tok-number/);
    expect(c.get('// note')).toMatch(/tok-comment/);
    expect(c.get('"x %d"')).toMatch(/tok-string/);
    expect(c.get('return')).toMatch(/tok-keyword/);
    // A name is not a keyword.
    expect(c.get('printf') ?? '').not.toMatch(/tok-keyword|tok-string|tok-comment/);
  });
});
