// The site built for a sub-path (BASE_PATH) works there: every link, asset, search and the 404 page stay under it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { clickRun, crawlLinks, openSite, runAxe, verdict, type Site } from './harness.ts';

const BASE = '/fork-lore-sub/';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ASTRO = join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');

/**
 * The environment without what Vitest adds to it: Vite reads BASE_URL, MODE and NODE_ENV from the
 * process environment, and Vitest's values ('/', 'test') would override the base path being tested.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^(VITEST|VITE_)/.test(key) || ['TEST', 'NODE_ENV', 'MODE', 'BASE_URL', 'DEV', 'PROD', 'SSR'].includes(key))
      delete env[key];
  }
  return env;
}

let outDir: string;
let site: Site;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'forklore-base-'));
  // A second build, into a temporary folder, so that dist/ (built for '/') is left as it is.
  await promisify(execFile)(process.execPath, [ASTRO, 'build', '--outDir', outDir], {
    cwd: ROOT,
    env: { ...buildEnv(), BASE_PATH: BASE, ASTRO_TELEMETRY_DISABLED: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  site = await openSite({ root: outDir, base: BASE });
});

afterAll(async () => {
  await site?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe(`the site built with BASE_PATH=${BASE}`, () => {
  test('links only to pages, assets and fragments that exist under the base path', async () => {
    const { checked, broken } = await crawlLinks(site);
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(site.pages().length);
  });

  test('the landing page, a chapter and the playground page load with no console errors, no failed requests and no axe-core violations', async () => {
    // The crawl above already fetched every page and asset; these pages add what only a browser
    // fetches (scripts' own imports, the search index), without repeating every page's load.
    const problems: Record<string, string[]> = {};
    for (const path of ['', 'the-bug/', 'playground/']) {
      const visit = await site.visit(path, { waitUntil: 'networkidle' });
      const violations = (await runAxe(visit.page)).map((v) => `${v.id}: ${v.targets.slice(0, 3).join(', ')}`);
      const found = [...visit.consoleErrors, ...visit.failedRequests, ...violations];
      if (visit.response?.status() !== 200) found.push(`HTTP ${visit.response?.status()}`);
      if (found.length > 0) problems[path || '(landing)'] = found;
      await visit.close();
    }
    expect(problems).toEqual({});
  });

  test("a playground's Run loads its worker from under the base path and reaches a verdict", async () => {
    const visit = await site.visit('the-bug/', { waitUntil: 'networkidle' });
    const island = `fl-playground[data-id="${await visit.page.locator('fl-playground').first().getAttribute('data-id')}"]`;
    // A click before the island is ready would go nowhere (nothing listens yet).
    await visit.page.waitForSelector(`${island}[data-ready]`);
    await clickRun(visit.page, island);
    expect(await verdict(visit.page, island, 60_000)).not.toBe('');
    // The controller and the worker's script have arrived by now; give a late request a moment to fail.
    await visit.page.waitForTimeout(500);
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.failedRequests).toEqual([]);
    await visit.close();
  });

  test('a root-relative link written in MDX gets the base path', async () => {
    const visit = await site.visit('pipeline-check/');
    const hrefs = await visit.page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toContain(`${BASE}the-bug/`);
    expect(hrefs).not.toContain('/the-bug/');
    await visit.close();
  });

  test('search loads its index from under the base path and links results there', async () => {
    const visit = await site.visit('');
    await visit.page.locator('button[data-open-modal]').click();
    const input = visit.page.locator('#starlight__search input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill('Plash');
    await visit.page
      .locator(`#starlight__search a[href^="${BASE}the-bug/"]`)
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    expect(visit.failedRequests).toEqual([]);
    await visit.close();
  });

  test('the 404 page links home to the base path with working assets', async () => {
    const missing = site.url('nowhere/');
    const visit = await site.visit('nowhere/', { allowStatus: (url, status) => url === missing && status === 404 });
    expect(visit.response?.status()).toBe(404);
    expect(await visit.page.locator(`a[href="${BASE}"]`).count()).toBeGreaterThan(0);
    expect(visit.failedRequests).toEqual([]);
    await visit.close();
  });
});
