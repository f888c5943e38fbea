// Base path handling: normalising BASE_PATH and rewriting root-relative links in content.
import { describe, expect, test } from 'vitest';
import { normaliseBase, withBase } from '../../src/plugins/base-path.mjs';
import { baseLinksPlugin } from '../../src/plugins/base-links.mjs';

describe('normaliseBase', () => {
  test.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['forklore', '/forklore/'],
    ['/forklore', '/forklore/'],
    ['/forklore/', '/forklore/'],
    ['  /a/b//  ', '/a/b/'],
  ])('turns %j into %j', (raw, expected) => {
    expect(normaliseBase(raw)).toBe(expected);
  });
});

describe('withBase', () => {
  test('prefixes root-relative URLs with the base', () => {
    expect(withBase('/the-bug/', '/forklore/')).toBe('/forklore/the-bug/');
    expect(withBase('/the-bug/#the-window', '/forklore/')).toBe('/forklore/the-bug/#the-window');
    expect(withBase('/', '/forklore/')).toBe('/forklore/');
  });

  test('leaves absolute, protocol-relative, relative and fragment URLs alone', () => {
    for (const url of ['https://example.org/x', '//cdn.example.org/x', 'the-bug/', '../x/', '#top', 'mailto:a@b.c']) {
      expect(withBase(url, '/forklore/')).toBe(url);
    }
  });

  test('does not prefix twice, and does nothing when the base is the root', () => {
    expect(withBase('/forklore/the-bug/', '/forklore/')).toBe('/forklore/the-bug/');
    expect(withBase('/forklore', '/forklore/')).toBe('/forklore');
    expect(withBase('/the-bug/', '/')).toBe('/the-bug/');
  });
});

/** Runs one visitor of the plugin on a node with a context that records setProperty calls. */
function visit(type: string, node: Record<string, unknown>, base = '/sub/') {
  const changes: Record<string, unknown> = {};
  const visitor = Object.entries(baseLinksPlugin(base)).find(([key]) => key === type)?.[1];
  if (typeof visitor !== 'function') throw new Error(`the plugin has no visitor for ${type}`);
  visitor(node, { setProperty: (_n: unknown, key: string, value: unknown) => (changes[key] = value) });
  return changes;
}

describe('the Markdown base-links plugin', () => {
  test('rewrites root-relative link, image and definition URLs', () => {
    expect(visit('link', { type: 'link', url: '/the-bug/' })).toEqual({ url: '/sub/the-bug/' });
    expect(visit('image', { type: 'image', url: '/img/a.svg' })).toEqual({ url: '/sub/img/a.svg' });
    expect(visit('definition', { type: 'definition', url: '/glossary/#futex' })).toEqual({
      url: '/sub/glossary/#futex',
    });
  });

  test('leaves other URLs untouched and records no change for them', () => {
    expect(visit('link', { type: 'link', url: 'https://man7.org/' })).toEqual({});
    expect(visit('link', { type: 'link', url: '#anchor' })).toEqual({});
  });

  test('rewrites literal href and src attributes of JSX elements, but not expressions', () => {
    const node = {
      type: 'mdxJsxTextElement',
      name: 'a',
      attributes: [
        { type: 'mdxJsxAttribute', name: 'href', value: '/reference/' },
        { type: 'mdxJsxAttribute', name: 'title', value: '/not-a-url/' },
        { type: 'mdxJsxAttribute', name: 'src', value: { type: 'mdxJsxAttributeValueExpression', value: 'x' } },
      ],
    };
    const changes = visit('mdxJsxTextElement', node) as { attributes: Array<{ name: string; value: unknown }> };
    expect(changes.attributes.map((a) => a.value)).toEqual([
      '/sub/reference/',
      '/not-a-url/',
      { type: 'mdxJsxAttributeValueExpression', value: 'x' },
    ]);
  });
});
