// Term links: the glossary URL under every form of base path, and ids that cannot be anchors are refused.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { glossaryHref, GLOSSARY_ID } from '../../components/glossary-href.ts';

describe('glossaryHref', () => {
  it('links to the glossary at the root when the site has no base path', () => {
    expect(glossaryHref('/', 'futex')).toBe('/glossary/#futex');
  });

  it('keeps the base path with or without its trailing slash', () => {
    expect(glossaryHref('/fork-lore/', 'tid')).toBe('/fork-lore/glossary/#tid');
    expect(glossaryHref('/fork-lore', 'tid')).toBe('/fork-lore/glossary/#tid');
  });

  it('accepts the slugs of headings such as _Fork and FUTEX_WAIT_PRIVATE', () => {
    expect(glossaryHref('/', '_fork')).toBe('/glossary/#_fork');
    expect(glossaryHref('/', 'futex_wait_private')).toBe('/glossary/#futex_wait_private');
  });

  it('refuses an id that is not a heading slug, naming it', () => {
    expect(() => glossaryHref('/', 'Async Signal Safe')).toThrow(/Async Signal Safe/);
    expect(() => glossaryHref('/', '')).toThrow();
  });
});

describe('the glossary page', () => {
  const glossary = readFileSync(new URL('../../content/glossary.mdx', import.meta.url), 'utf8');
  const headings = [...glossary.matchAll(/^##\s+(.+?)\s*$/gm)].map((m) => m[1]!.replace(/`/g, ''));

  it('has its entries in alphabetical order, ignoring case and a leading underscore', () => {
    const key = (h: string) => h.replace(/^_/, '').toLowerCase();
    const sorted = [...headings].sort((a, b) => key(a).localeCompare(key(b)));
    expect(headings).toEqual(sorted);
  });

  it('gives every entry a heading whose slug is a valid Term id', () => {
    const slug = (h: string) => h.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
    const bad = headings.filter((h) => !GLOSSARY_ID.test(slug(h)));
    expect(bad).toEqual([]);
  });
});
