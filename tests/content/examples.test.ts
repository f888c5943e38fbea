// Checks exercises against their solutions, and every example a page names against the files that exist
// (each example's verdict is checked in tests/sim/explore-scenarios.test.ts).
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Expected, Program } from '../../sim/types.ts';
import { glossaryEntries } from '../../components/glossary.ts';

const contentDir = fileURLToPath(new URL('../../content/', import.meta.url));
const examplesDir = `${contentDir}examples/`;

const exampleNames = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

const pages = readdirSync(contentDir)
  .filter((f) => f.endsWith('.mdx') || f.endsWith('.md'))
  .sort();

type ExampleModule = {
  default?: Program['main'];
  options?: Program['options'];
  expected?: Expected;
};

async function loadExample(name: string): Promise<{ mod: ExampleModule; program: Program }> {
  const mod = (await import(`../../content/examples/${name}.ts`)) as ExampleModule;
  if (typeof mod.default !== 'function') throw new Error(`${name}.ts has no default export (the main thread)`);
  return { mod, program: { main: mod.default, options: mod.options ?? {}, expected: mod.expected, name } };
}

/** The example names a page uses: its frontmatter `examples` list and every example/fixed/solution attribute. */
function examplesOfPage(source: string): { frontmatter: string[]; attributes: string[] } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source);
  const front = match?.[1] ?? '';
  const frontmatter: string[] = [];
  const inline = /^examples:\s*\[(.*)\]\s*$/m.exec(front);
  if (inline) {
    for (const item of inline[1]!.split(',')) {
      const name = item.trim().replace(/^['"]|['"]$/g, '');
      if (name) frontmatter.push(name);
    }
  } else {
    const block = /^examples:\s*\r?\n((?:[ \t]+-.*\r?\n?)*)/m.exec(front);
    for (const line of block?.[1]?.split(/\r?\n/) ?? []) {
      const m = /^[ \t]+-\s*['"]?([^'"#\s]+)['"]?/.exec(line);
      if (m) frontmatter.push(m[1]!);
    }
  }
  // Code blocks and inline code may show component syntax as text; only live components count.
  const body = source
    .slice(match?.[0].length ?? 0)
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
  const attributes = [...body.matchAll(/\b(?:example|fixed|solution)=["']([^"']+)["']/g)].map((m) => m[1]!);
  return { frontmatter, attributes };
}

/** The messages of a program's assert(condition, 'message') calls, as written in the source. */
function assertMessages(source: string): string[] {
  return [...source.matchAll(/\bassert\s*\([^;]*?,\s*(['"`])(.*?)\1\s*\)/g)].map((m) => m[2]!);
}

describe('example programs', () => {
  it('there are example programs to check', () => {
    expect(exampleNames.length).toBeGreaterThan(0);
  });
  // Each one's verdict under every strategy is checked in tests/sim/explore-scenarios.test.ts.
});

describe('exercises', () => {
  const exercises = exampleNames.filter((n) => /-exercise$/.test(n));

  it('there are exercises to check', () => {
    expect(exercises.length).toBeGreaterThan(0);
  });

  for (const name of exercises) {
    it(`${name} has a solution, and the exercise declares a bug while the solution declares none`, async () => {
      expect(exampleNames, `${name} needs ${name}-solution.ts`).toContain(`${name}-solution`);
      const { mod: broken } = await loadExample(name);
      const { mod: solution } = await loadExample(`${name}-solution`);
      expect(broken.expected?.verdict, `${name} is the broken program: its verdict cannot be ok`).not.toBe('ok');
      expect(solution.expected?.verdict, `${name}-solution must be ok`).toBe('ok');
    });

    it(`${name}-solution asserts that the work still gets done, so that an empty fix cannot pass`, () => {
      const source = readFileSync(`${examplesDir}${name}-solution.ts`, 'utf8');
      expect(source, `${name}-solution.ts must contain assert(...)`).toMatch(/\bassert\s*\(/);
    });

    it(`${name}-solution keeps every check the exercise makes`, () => {
      const broken = assertMessages(readFileSync(`${examplesDir}${name}.ts`, 'utf8'));
      const fixed = assertMessages(readFileSync(`${examplesDir}${name}-solution.ts`, 'utf8'));
      expect(broken.filter((m) => !fixed.includes(m)), `${name}-solution.ts drops asserts of ${name}.ts`).toEqual([]);
    });
  }
});

describe('pages', () => {
  it('assert messages are read from single, double and template quotes', () => {
    expect(assertMessages("assert(a === b, 'one');\nassert(WEXITSTATUS(s) === 3, \"two\");\nassert(v, `three ${v}`);")).toEqual(['one', 'two', 'three ${v}']);
  });

  it('the page scanner reads both frontmatter list styles and every kind of example attribute', () => {
    const block = examplesOfPage('---\ntitle: t\nexamples:\n  - a-one\n  - "b-two"\norder: 1\n---\n<Playground example="c" fixed="d" />\n<Exercise example="e" solution=\'f\' />\n');
    expect(block).toEqual({ frontmatter: ['a-one', 'b-two'], attributes: ['c', 'd', 'e', 'f'] });
    expect(examplesOfPage('---\nexamples: [x, "y"]\n---\n').frontmatter).toEqual(['x', 'y']);
    expect(examplesOfPage('---\ntitle: t\n---\n```mdx\n<Playground example="shown" />\n```\nUse `example="inline"`.\n').attributes).toEqual([]);
  });

  // Starlight slugs headings with github-slugger: lower case, punctuation other than '-' and '_' dropped.
  const glossaryPath = `${contentDir}glossary.mdx`;
  const glossaryIds = existsSync(glossaryPath) ? [...glossaryEntries(readFileSync(glossaryPath, 'utf8')).keys()] : [];

  for (const page of pages) {
    it(`${page} links only to glossary terms that have an entry`, () => {
      const ids = [...readFileSync(`${contentDir}${page}`, 'utf8').matchAll(/<Term\s+id=["']([^"']+)["']/g)].map((m) => m[1]!);
      const missing = [...new Set(ids)].filter((id) => !glossaryIds.includes(id));
      expect(missing, `${page} links to glossary ids with no heading in glossary.mdx`).toEqual([]);
    });

    it(`${page} names only examples that exist in content/examples/`, () => {
      const { frontmatter, attributes } = examplesOfPage(readFileSync(`${contentDir}${page}`, 'utf8'));
      const missing = [...new Set([...frontmatter, ...attributes])].filter((n) => !existsSync(`${examplesDir}${n}.ts`));
      expect(missing, `${page} names examples with no file in content/examples/`).toEqual([]);
    });
  }
});
