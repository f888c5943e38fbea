// The definitions a term link shows (components/Term.astro), read from content/glossary.mdx.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glossaryEntries, headingSlug, inlineHtml } from '../../components/glossary.ts';

const glossary = readFileSync(new URL('../../content/glossary.mdx', import.meta.url), 'utf8');

describe('glossary entries', () => {
  it('names each entry by the id Starlight gives its heading', () => {
    expect(headingSlug('atfork handler')).toBe('atfork-handler');
    expect(headingSlug('_Fork')).toBe('_fork');
    expect(headingSlug('FUTEX_WAIT_PRIVATE')).toBe('futex_wait_private');
    expect(headingSlug('re-initialise')).toBe('re-initialise');
  });

  it('keeps code as code, links as their text, and escapes the rest', () => {
    expect(inlineHtml('a `pthread_mutex_lock(&m)` call')).toBe('a <code>pthread_mutex_lock(&amp;m)</code> call');
    expect(inlineHtml('see [chapter 2](/leaking-descriptors/) for `x < y`')).toBe(
      'see chapter 2 for <code>x &lt; y</code>',
    );
    expect(inlineHtml('[`posix_spawn`](/creating-processes/) and\n<b>')).toBe('<code>posix_spawn</code> and &lt;b&gt;');
  });

  it('shows the first paragraph without its closing pointer to chapters', () => {
    const entries = glossaryEntries(
      '---\ntitle: G\n---\n\nIntro.\n\n## atfork handler\n\nRuns at fork. See\n[chapter 3](/pthread-atfork/) and [chapter 8](/x/).\n\nMore.\n',
    );
    expect([...entries]).toEqual([['atfork-handler', { term: 'atfork handler', summary: 'Runs at fork.' }]]);
  });

  it('gives every entry of the real glossary a definition with no markdown left in it', () => {
    const entries = glossaryEntries(glossary);
    expect(entries.size).toBeGreaterThan(30);
    for (const [id, { summary }] of entries) {
      expect(summary.length, id).toBeGreaterThan(20);
      expect(summary, id).not.toMatch(/\]\(|`|^See /);
    }
    expect(entries.get('futex')?.summary).toContain('<code>FUTEX_WAIT</code>');
  });
});
