// Every built page loads cleanly, passes axe-core in both colour schemes, and every internal link resolves.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { crawlLinks, openSite, runAxe, type Site } from './harness.ts';

let site: Site;
beforeAll(async () => {
  site = await openSite();
});
afterAll(async () => {
  await site?.close();
});

describe('every built page', () => {
  test('the build has the landing page, a chapter and the reference pages', () => {
    const pages = site.pages();
    for (const path of ['', 'the-bug/', 'reference/', 'glossary/', 'playground/']) expect(pages).toContain(path);
  });

  test('loads with no console errors and no failed requests', async () => {
    const problems: Record<string, string[]> = {};
    for (const path of site.pages()) {
      const visit = await site.visit(path, { waitUntil: 'networkidle' });
      const status = visit.response?.status();
      const found = [...visit.consoleErrors, ...visit.failedRequests, ...(status === 200 ? [] : [`HTTP ${status}`])];
      if (found.length > 0) problems[path || '(landing)'] = found;
      await visit.close();
    }
    expect(problems).toEqual({});
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`has no axe-core violations in the ${colorScheme} theme`, async () => {
      const problems: Record<string, string[]> = {};
      for (const path of site.pages()) {
        const visit = await site.visit(path, { context: { colorScheme } });
        const violations = await runAxe(visit.page);
        if (violations.length > 0) {
          problems[path || '(landing)'] = violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.slice(0, 3).join(', ')}`);
        }
        await visit.close();
      }
      expect(problems).toEqual({});
    });
  }

  test('links only to internal pages, assets and fragments that exist', async () => {
    const { checked, broken } = await crawlLinks(site);
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(site.pages().length);
  });
});
