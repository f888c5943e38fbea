// The sidebar is built from content/: chapters by their `order`, then the reference pages.
import { describe, expect, test, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSidebar, listChapters, readSidebarFields } from '../../src/plugins/sidebar.mjs';

let dir: string;
const page = (name: string, front: string) => writeFileSync(join(dir, name), `---\n${front}\n---\n\nText.\n`);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'forklore-sidebar-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('readSidebarFields', () => {
  test('reads order and unlisted from the frontmatter only', () => {
    expect(readSidebarFields('---\ntitle: A\norder: 3\n---\norder: 9\n')).toEqual({ order: 3, unlisted: false });
    expect(readSidebarFields('---\norder: 2.5\nunlisted: true\n---\n')).toEqual({ order: 2.5, unlisted: true });
  });

  test('sorts a page without a usable order last', () => {
    expect(readSidebarFields('---\norder: one\n---\n').order).toBe(Number.POSITIVE_INFINITY);
    expect(readSidebarFields('no frontmatter').order).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the sidebar', () => {
  test('lists chapters by order, then by slug, leaving out the landing, reference, unlisted and example files', () => {
    page('index.mdx', 'title: Home\norder: 0');
    page('zeta.mdx', 'title: Z\norder: 2');
    page('alpha.mdx', 'title: A\norder: 2');
    page('first.md', 'title: F\norder: 1');
    page('glossary.mdx', 'title: G\norder: 101');
    page('hidden.mdx', 'title: H\norder: 0\nunlisted: true');
    page('_draft.mdx', 'title: D\norder: 0');
    writeFileSync(join(dir, 'example.ts'), 'export default function* main() {}');
    expect(listChapters(dir)).toEqual(['first', 'alpha', 'zeta']);
  });

  test('puts Reference, Glossary and Playground after the chapters, in that order, when they exist', () => {
    page('the-bug.mdx', 'title: B\norder: 1');
    page('playground.mdx', 'title: P\norder: 102');
    page('reference.mdx', 'title: R\norder: 100');
    expect(buildSidebar(dir)).toEqual([
      { label: 'Chapters', items: [{ slug: 'the-bug' }] },
      { slug: 'reference' },
      { slug: 'playground' },
    ]);
  });
});
