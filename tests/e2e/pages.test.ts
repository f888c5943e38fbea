// Every built page loads cleanly, passes axe-core in both colour schemes, and every internal link resolves.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, crawlLinks, listPages, openSite, runAxe, type Site } from './harness.ts';

const PAGES = existsSync(join(DIST, 'index.html')) ? listPages(DIST) : [];

let site: Site;
beforeAll(async () => {
  site = await openSite();
});
afterAll(async () => {
  await site?.close();
});

const describeViolations = (violations: Awaited<ReturnType<typeof runAxe>>) =>
  violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.slice(0, 3).join(', ')}`);

describe('every built page', () => {
  test('the build has the landing page, a chapter and the reference pages', () => {
    for (const path of ['', 'the-bug/', 'reference/', 'glossary/', 'playground/']) expect(PAGES).toContain(path);
  });

  test.each(PAGES.map((path) => [path || '(landing)', path]))(
    '%s loads with no console errors or failed requests, and axe-core finds no violations in the light or dark theme',
    async (_name, path) => {
      const visit = await site.visit(path, { waitUntil: 'networkidle', context: { colorScheme: 'light' } });
      expect(visit.response?.status()).toBe(200);
      expect(await visit.page.getAttribute('html', 'data-theme')).toBe('light');
      const light = describeViolations(await runAxe(visit.page));
      // Switch the way Starlight's theme picker does, and the system preference too, for
      // components that style themselves with prefers-color-scheme.
      await visit.page.emulateMedia({ colorScheme: 'dark' });
      await visit.page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
      const dark = describeViolations(await runAxe(visit.page));
      expect({ consoleErrors: visit.consoleErrors, failedRequests: visit.failedRequests, light, dark }).toEqual({
        consoleErrors: [],
        failedRequests: [],
        light: [],
        dark: [],
      });
      await visit.close();
    },
  );

  test('links only to internal pages, assets and fragments that exist', async () => {
    const { checked, broken } = await crawlLinks(site);
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(PAGES.length);
  });
});
