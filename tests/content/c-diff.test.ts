// The prose's quote of each C fix (components/CDiff.astro) comes from diffHunks: it must show the lines
// that changed, with their own line numbers, and nothing that did not.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { diffHunks } from '../../components/c-diff.ts';

const src = (n: string) => readFileSync(`content/examples/${n}.c`, 'utf8');

describe('diffHunks', () => {
  test("chapter 1's fix: the unlock before kernel_fork goes, the child's reinitialisation comes", () => {
    const h = diffHunks(src('ch1-wrapper-buggy'), src('ch1-wrapper-fixed'));
    const removed = h.flatMap((x) => x.removed);
    const added = h.flatMap((x) => x.added);
    const a = src('ch1-wrapper-buggy').split('\n');
    const b = src('ch1-wrapper-fixed').split('\n');
    // Each quoted line is the file's own line at that number.
    for (const l of removed) expect(a[l.line - 1]).toBe(l.text);
    for (const l of added) expect(b[l.line - 1]).toBe(l.text);
    expect(removed.map((l) => l.text.trim())).toContain('pthread_mutex_unlock(&libc_lock);');
    expect(added.map((l) => l.text.trim())).toContain('pthread_mutex_init(&libc_lock, &attr);');
    // The header's expect= differs but is not the fix.
    expect([...removed, ...added].some((l) => l.text.includes('forklore:'))).toBe(false);
  });

  test('hunks are separated by unchanged code, and comment-only changes are left out', () => {
    const a = '// forklore: expect=deadlock\n// old words\nint x;\nlock();\nwork();\nunlock();\n';
    const b = '// forklore: expect=ok\n// new words\nint x;\nwork();\nunlock();\nextra();\n';
    expect(diffHunks(a, b)).toEqual([
      { removed: [{ line: 4, text: 'lock();' }], added: [] },
      { removed: [], added: [{ line: 6, text: 'extra();' }] },
    ]);
  });

  test('every pair a chapter shows in C has a difference to quote', () => {
    const pairs = readdirSync('content')
      .filter((f) => f.endsWith('.mdx'))
      .flatMap((f) => [...readFileSync(`content/${f}`, 'utf8').matchAll(/<CDiff buggy="([^"]+)" fixed="([^"]+)"/g)].map((m) => [m[1]!, m[2]!] as const));
    expect(pairs.length).toBeGreaterThan(0);
    for (const [a, b] of pairs) {
      expect(existsSync(`content/examples/${a}.c`) && existsSync(`content/examples/${b}.c`)).toBe(true);
      expect(diffHunks(src(a), src(b)).length, `${a} vs ${b}`).toBeGreaterThan(0);
    }
  });
});
