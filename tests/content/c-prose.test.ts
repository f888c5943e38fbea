// The chapters speak of the C programs they show. A line of a program quoted in the prose is pulled out
// of the C file it names (components/c-quote.ts, through <CQuote>), so it must be there; a
// plain code span that quotes a program's code must be a piece of one of the chapter's C files; every
// buggy/fixed pair has its differing C lines quoted (<CDiff>); and the TypeScript API is spoken of only
// in the reference page's TypeScript section.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { codeOf, quoteLine } from '../../components/c-quote.ts';

const pages = readdirSync('content')
  .filter((f) => f.endsWith('.mdx'))
  .sort();
/** Every page but the reference, whose TypeScript section documents that API. */
const chapters = pages.filter((f) => f !== 'reference.mdx');
const text = (f: string) => readFileSync(`content/${f}`, 'utf8');
const cFile = (name: string) => `content/examples/${name}.c`;
const cSource = (name: string) => readFileSync(cFile(name), 'utf8');

/** The MDX without its frontmatter, import lines and JSX comments. */
function body(src: string): string {
  return src
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/^import .*$/gm, '')
    .replace(/\{\/\*[\s\S]*?\*\/\}/g, '');
}

/** The prose: the body without fenced code blocks (whose language is checked apart). */
const prose = (src: string) => body(src).replace(/^```[\s\S]*?^```$/gm, '');

/** Every `<Tag a="…" b="…" />` of one component on a page, as attribute maps. */
function tags(src: string, tag: string): Record<string, string>[] {
  return [...src.matchAll(new RegExp(`<${tag}\\b([^>]*?)/?>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

/** The examples a page shows: every Playground, Exercise, CDiff, StraceLog, BugPicture and the rest. */
function shown(src: string): string[] {
  const names = [...src.matchAll(/\b(?:example|fixed|solution|buggy)="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(names)];
}

/** The code lines of a C file: comments, indentation and blank lines gone, spaces squeezed. */
const codeLines = (src: string) =>
  src
    .split('\n')
    .map((l) => codeOf(l).replace(/\s+/g, ' '))
    .filter((l) => l !== '' && !l.startsWith('/*') && !l.startsWith('*'));

const KEYWORDS = new Set(['if', 'while', 'for', 'switch', 'return', 'sizeof']);
/** Names a piece of C calls: `name(`. */
const calls = (s: string) =>
  new Set([...s.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!).filter((n) => !KEYWORDS.has(n)));

/** A code span that reads as code of a program: a call with arguments, a statement, an assignment. */
function looksLikeCode(span: string): boolean {
  if (/^\w+\(\d\w*\)$/.test(span)) return false; // a manual page: close_range(2)
  return /\w\s*\([^)]|;\s*$|\w\s*=[^=]/.test(span);
}

describe('quoted C lines', () => {
  const quotes = chapters.flatMap((f) =>
    tags(text(f), 'CQuote').map((a) => ({ page: f, tag: 'CQuote', example: a.example ?? '', find: a.find ?? '' })),
  );

  test('the chapters quote program lines through <CQuote>', () => {
    expect(quotes.length).toBeGreaterThan(20);
  });

  test.each(quotes.map((q) => [`${q.page}: <${q.tag} example="${q.example}" find="${q.find}">`, q] as const))(
    '%s is on exactly one line of code of the C file it names',
    (_name, q) => {
      expect(q.example && q.find, 'example= and find=').toBeTruthy();
      expect(existsSync(cFile(q.example)), `${q.example}.c exists`).toBe(true);
      // The same function the build uses: it throws if the piece is on no line or on two different ones.
      const line = quoteLine(cSource(q.example), q.find, `${q.example}.c`);
      expect(line.code).toContain(q.find);
      expect(cSource(q.example).split('\n')[line.line - 1]).toContain(line.code.replace(/\s(expect|also)=\S*/g, ''));
    },
  );

  test('a quote names a line, not a comment or a piece on two different lines', () => {
    const src = '// forklore: libc=glibc strict expect=ok\n// fork() here is a comment\nint x = fork(); // the fork\nf(x);\nf(x);\n';
    expect(quoteLine(src, 'fork()')).toEqual({ line: 3, lines: [3], code: 'int x = fork();' });
    expect(quoteLine(src, 'f(x)')).toEqual({ line: 4, lines: [4, 5], code: 'f(x);' }); // the same code twice
    expect(quoteLine(src, 'forklore:')).toEqual({ line: 1, lines: [1], code: '// forklore: libc=glibc strict' });
    expect(() => quoteLine(src, 'here is')).toThrow(/no line of code/);
    expect(() => quoteLine(src, 'x')).toThrow(/different lines/);
    expect(codeOf('  write(1, "a // b", 6); // c')).toBe('write(1, "a // b", 6);');
  });
});

describe('code spans in the prose', () => {
  test.each(chapters.map((f) => [f] as const))(
    '%s: a code span that quotes a program of the page is a piece of its C',
    (f) => {
      const src = text(f);
      const examples = shown(src).filter((n) => existsSync(cFile(n)));
      const lines = examples.flatMap((n) => codeLines(cSource(n)));
      const called = new Set(lines.flatMap((l) => [...calls(l)]));
      const spans = [...prose(src).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
      // A span in code form that calls what the page's programs call is a quote of them, unless it
      // is a quote of real source (glibc's, Plash's), which calls names the examples do not.
      const stale = spans.filter((s) => {
        if (!looksLikeCode(s)) return false;
        const names = [...calls(s)];
        if (names.length === 0 || !names.every((n) => called.has(n))) return false;
        const norm = s.replace(/\s+/g, ' ').replace(/;$/, '');
        return !lines.some((l) => l.includes(norm));
      });
      expect(stale, `in ${f}: quote these with <CQuote example=… find=…> from the C file`).toEqual([]);
    },
  );

  test.each(chapters.map((f) => [f] as const))('%s does not speak of the TypeScript API', (f) => {
    expect(typeScriptTells(body(text(f)))).toEqual([]);
  });

  test('the reference documents C first and keeps the TypeScript API in its own section', () => {
    const src = body(text('reference.mdx'));
    const ts = src.indexOf('\n## The TypeScript API\n');
    const c = src.indexOf('\n## C programs\n');
    const calls = src.indexOf('\n## The library calls\n');
    expect(c).toBeGreaterThanOrEqual(0);
    expect(calls).toBeGreaterThan(c);
    expect(ts).toBeGreaterThan(calls);
    // The section runs to the next top-level heading; nothing before it, or after it, is TypeScript.
    const next = src.indexOf('\n## ', ts + 1);
    const outside = src.slice(0, ts) + (next < 0 ? '' : src.slice(next));
    expect(typeScriptTells(outside)).toEqual([]);
    expect(/^```(ts|typescript)\b/m.test(outside)).toBe(false);
    expect(/^```ts\b/m.test(src.slice(ts, next < 0 ? undefined : next))).toBe(true);
  });

  test('code blocks in the chapters are C (or another real language), not TypeScript', () => {
    const ts = chapters.filter((f) => /^```(ts|typescript|js)\b/m.test(body(text(f))));
    expect(ts).toEqual([]);
  });
});

/** The marks of the TypeScript API in a text: the patterns found. */
function typeScriptTells(src: string): string[] {
  return [
      /yield\*/,
      /function\*/,
      /\b[\w-]+\.ts\b/, // an example's TypeScript file
      /export const (options|expected)/,
      /\b(libc|strict|plash): ['\w]/, // the TypeScript options object
      /`(mutex|cell|sem|cond|load|store)\(/, // the TypeScript declarations
      /`pthread_mutex_(lock|unlock|init|trylock)\([A-Za-z_]/, // a mutex passed as in TypeScript, not &m
      /\bthe options line\b|\bin (its|the program's) options\b/,
  ]
    .filter((re) => re.test(src))
    .map(String);
}

describe('C by default', () => {
  // A Playground shows C first only when every program in it has a C twin, an exercise's solution
  // included (components/playground/PlaygroundBody.astro); the TypeScript twin stays behind the switch.
  test.each(pages.map((f) => [f] as const))('%s: every program a Playground or Exercise shows has a C twin', (f) => {
    const src = text(f);
    const names = ['Playground', 'Exercise'].flatMap((t) =>
      tags(src, t).flatMap((a) => [a.example, a.fixed, a.solution].filter((n): n is string => !!n)),
    );
    if (/<(Playground|Exercise) [^/]/.test(src)) expect(names.length).toBeGreaterThan(0);
    for (const n of names) {
      expect(existsSync(cFile(n)), `${n}.c`).toBe(true);
      expect(existsSync(`content/examples/${n}.ts`), `${n}.ts`).toBe(true);
    }
  });
});

describe('buggy/fixed pairs', () => {
  test.each(chapters.map((f) => [f] as const))('%s quotes the differing C lines of every pair it shows', (f) => {
    const src = text(f);
    const pairs = tags(src, 'Playground')
      .filter((a) => a.fixed)
      .map((a) => `${a.example}+${a.fixed}`);
    const diffs = new Set(tags(src, 'CDiff').map((a) => `${a.buggy}+${a.fixed}`));
    for (const p of pairs) {
      const [a, b] = p.split('+') as [string, string];
      expect(existsSync(cFile(a)) && existsSync(cFile(b)), `${p} has C twins`).toBe(true);
      expect(diffs.has(p), `<CDiff buggy="${a}" fixed="${b}" /> on ${f}`).toBe(true);
    }
  });
});
