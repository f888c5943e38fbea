// The site shell a documentation reader expects: islands, code without JS, search, themes, mobile nav, skip link, 404.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openSite, runAxe, type Site } from './harness.ts';

/** A page the site foundation owns: an MDX page importing an island and a highlighted code block. */
const PIPELINE = 'pipeline-check/';
/** The first chapter: search must find a word from it. */
const CHAPTER = 'the-bug/';

let site: Site;
beforeAll(async () => {
  site = await openSite();
});
afterAll(async () => {
  await site?.close();
});

describe('the MDX pipeline', () => {
  test('an island imported by an MDX page hydrates and responds to clicks', async () => {
    const visit = await site.visit(PIPELINE);
    const island = visit.page.getByTestId('hello-island');
    await expectAttribute(island, 'data-hydrated', 'true');
    await island.getByRole('button').click();
    await island.getByRole('button').click();
    expect(await island.locator('output').textContent()).toBe('2');
    expect(visit.consoleErrors).toEqual([]);
    await visit.close();
  });

  test('highlighted code and the island text read fine with JavaScript off', async () => {
    const visit = await site.visit(PIPELINE, { context: { javaScriptEnabled: false } });
    const code = visit.page.locator('pre code').first();
    expect(await code.innerText()).toContain('pid_t pid = fork();');
    // Shiki colours tokens with inline styles: more than one distinct colour means it highlighted.
    const colours = await code.evaluate(
      (el) => new Set([...el.querySelectorAll('span')].map((s) => getComputedStyle(s).color)).size,
    );
    expect(colours).toBeGreaterThan(1);
    const island = visit.page.getByTestId('hello-island');
    expect(await island.innerText()).toContain('Checks run');
    expect(await island.getByRole('button').isVisible()).toBe(false);
    expect(await island.getAttribute('data-hydrated')).toBeNull();
    await visit.close();
  });
});

describe('code blocks', () => {
  test('scrollable code blocks become focusable regions with distinct names', async () => {
    const visit = await site.visit(PIPELINE, { context: { viewport: { width: 800, height: 900 } } });
    // Expressive Code marks overflowing blocks after an idle callback; wait for both.
    await visit.page.waitForFunction(
      () => document.querySelectorAll('.expressive-code pre[role="region"][aria-label]').length >= 2,
      null,
      {
        timeout: 10_000,
      },
    );
    const names = await visit.page
      .locator('.expressive-code pre[role="region"]')
      .evaluateAll((pres) => pres.map((p) => p.getAttribute('aria-label')));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('Code: wide-one.c (2)');
    await visit.close();
  });
});

describe('navigation', () => {
  test('the sidebar lists the chapters in order before the reference pages, and marks the current page', async () => {
    const visit = await site.visit(CHAPTER);
    const links = await visit.page
      .locator('nav[aria-label="Main"] a')
      .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), current: a.getAttribute('aria-current') })));
    const hrefs = links.map((l) => l.href);
    expect(hrefs[0]).toBe(`${site.base}the-bug/`);
    expect(hrefs.slice(-3)).toEqual([`${site.base}reference/`, `${site.base}glossary/`, `${site.base}playground/`]);
    expect(hrefs).not.toContain(`${site.base}pipeline-check/`);
    expect(links.find((l) => l.href === `${site.base}the-bug/`)?.current).toBe('page');
    await visit.close();
  });

  test('a chapter has an on-page table of contents and a next link', async () => {
    const visit = await site.visit(CHAPTER, { context: { viewport: { width: 1440, height: 900 } } });
    const toc = visit.page.locator('starlight-toc nav');
    expect(await toc.locator('a').count()).toBeGreaterThan(1);
    const next = visit.page.locator('.pagination-links a[rel="next"]');
    const secondInSidebar = await visit.page.locator('nav[aria-label="Main"] a').nth(1).getAttribute('href');
    expect(await next.getAttribute('href')).toBe(secondInSidebar);
    expect(secondInSidebar).toMatch(new RegExp(`^${site.base}[a-z0-9-]+/$`));
    await visit.close();
  });

  test('the skip link is the first thing the keyboard reaches and jumps to the content', async () => {
    const visit = await site.visit(CHAPTER);
    await visit.page.keyboard.press('Tab');
    const focused = await visit.page.evaluate(() => {
      const el = document.activeElement as HTMLAnchorElement | null;
      return { text: el?.textContent?.trim(), href: el?.getAttribute('href') };
    });
    expect(focused.text).toMatch(/skip to content/i);
    expect(await visit.page.locator(focused.href ?? '#missing').count()).toBe(1);
    await visit.close();
  });

  test('on a phone the menu button opens the sidebar and its links work', async () => {
    const visit = await site.visit(CHAPTER, {
      context: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true },
    });
    const sidebarLink = visit.page.locator(`nav[aria-label="Main"] a[href="${site.base}reference/"]`);
    expect(await sidebarLink.isVisible()).toBe(false);
    await visit.page.locator('button[popovertarget="starlight__sidebar"]').click();
    await sidebarLink.waitFor({ state: 'visible' });
    await sidebarLink.click();
    await visit.page.waitForURL(site.url('reference/'));
    expect(visit.failedRequests).toEqual([]);
    await visit.close();
  });
});

describe('on a phone', () => {
  test("the landing page's picture of the bug is shown whole, not cut at the right edge", async () => {
    const visit = await site.visit('', {
      context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    });
    const box = await visit.page.evaluate(() => {
      const frame = document.querySelector<HTMLElement>('.bug-picture-svg')!;
      const svg = frame.querySelector('svg')!.getBoundingClientRect();
      const inner = frame.getBoundingClientRect();
      return { svgRight: svg.right, frameRight: inner.right, scrolls: frame.scrollWidth > frame.clientWidth };
    });
    expect(box.scrolls).toBe(false);
    expect(box.svgRight).toBeLessThanOrEqual(box.frameRight);
    await visit.close();
  });

  test('the landing page has a menu with the chapters and the theme switch (ux m7)', async () => {
    const visit = await site.visit('', {
      context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'light' },
    });
    const { page } = visit;
    const menu = page.locator('button[popovertarget="starlight__sidebar"]');
    const chapter = page.locator(`nav[aria-label="Main"] a[href="${site.base}leaking-descriptors/"]`);
    const theme = page.locator('#starlight__sidebar starlight-theme-select select');
    expect(await chapter.isVisible()).toBe(false);
    // The button does not cover the search button beside it.
    const [m, s] = await Promise.all([menu.boundingBox(), page.locator('site-search button').first().boundingBox()]);
    expect(m && s && s.x + s.width <= m.x).toBe(true);
    await menu.tap();
    await chapter.waitFor({ state: 'visible' });
    await theme.selectOption('dark');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    // While the menu is open the page behind it is out of the keyboard's reach; Escape closes it.
    expect(await page.locator('.main-frame').getAttribute('inert')).toBe('');
    await page.keyboard.press('Escape');
    await chapter.waitFor({ state: 'hidden' });
    // The toggle event comes a task after the popover closes.
    await page.waitForFunction(() => !document.querySelector('.main-frame')!.hasAttribute('inert'));
    await menu.tap();
    await chapter.tap();
    await page.waitForURL(site.url('leaking-descriptors/'));
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(visit.consoleErrors).toEqual([]);
    await visit.close();
  });

  test('on a wide screen the landing page keeps its header as it was: no menu button', async () => {
    const visit = await site.visit('', { context: { viewport: { width: 1280, height: 800 } } });
    expect(await visit.page.locator('button[popovertarget="starlight__sidebar"]').isVisible()).toBe(false);
    expect(await visit.page.locator('header starlight-theme-select select').first().isVisible()).toBe(true);
    await visit.close();
  });
});

describe('glossary terms (ux m6)', () => {
  test('pointing at a term shows its definition beside it; Escape hides it; the link still goes to the glossary', async () => {
    const visit = await site.visit(CHAPTER, { context: { viewport: { width: 1280, height: 800 } } });
    const { page } = visit;
    const term = page.locator('a.term[href$="/glossary/#async-signal-safe"]').first();
    const tip = page.locator(`#${await term.getAttribute('aria-describedby')}`);
    expect(await tip.isVisible()).toBe(false);
    await term.hover();
    await tip.waitFor({ state: 'visible' });
    expect(await tip.innerText()).toMatch(/^async-signal-safe A function that may be called from a signal handler/);
    // The pointer can move onto the definition without it going away, and it lies inside the window.
    await tip.hover();
    expect(await tip.isVisible()).toBe(true);
    const box = (await tip.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(1280);
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden' });
    // The definition is the link's description for a screen reader.
    const described = await term.evaluate(
      (a) => document.getElementById(a.getAttribute('aria-describedby')!)?.textContent ?? '',
    );
    expect(described).toContain('signal handler');
    // Search does not index the definitions where they are shown, only on the glossary page.
    expect(await tip.getAttribute('data-pagefind-ignore')).not.toBeNull();
    await term.click();
    await page.waitForURL(site.url('glossary/#async-signal-safe'));
    expect(await page.locator('h2#async-signal-safe').count()).toBe(1);
    await visit.close();
  });

  test('focusing a term with the keyboard shows its definition', async () => {
    const visit = await site.visit(CHAPTER, { context: { viewport: { width: 390, height: 844 } } });
    const { page } = visit;
    const term = page.locator('a.term[href$="/glossary/#plash"]').first();
    const tip = page.locator(`#${await term.getAttribute('aria-describedby')}`);
    await term.evaluate((a) => (a as HTMLElement).blur());
    // Tab until the term has focus, as a keyboard reader reaches it.
    for (let i = 0; i < 80 && !(await term.evaluate((a) => a === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    expect(await term.evaluate((a) => a === document.activeElement)).toBe(true);
    await tip.waitFor({ state: 'visible' });
    const box = (await tip.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await page.keyboard.press('Tab');
    await tip.waitFor({ state: 'hidden' });
    await visit.close();
  });
});

describe('search', () => {
  test('finds a word from the first chapter and links to it', async () => {
    const visit = await site.visit('');
    await visit.page.locator('button[data-open-modal]').click();
    const input = visit.page.locator('#starlight__search input[type="search"], #starlight__search input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill('Plash');
    const result = visit.page.locator(`#starlight__search a[href^="${site.base}the-bug/"]`).first();
    await result.waitFor({ state: 'visible', timeout: 30_000 });
    const marked = await visit.page.locator('#starlight__search .pagefind-ui__result-excerpt mark').allInnerTexts();
    expect(marked.map((m) => m.toLowerCase())).toContain('plash');
    expect(visit.consoleErrors).toEqual([]);
    expect(visit.failedRequests).toEqual([]);
    await visit.close();
  });

  test('Ctrl+K opens the search dialog with its input focused', async () => {
    const visit = await site.visit(CHAPTER);
    // Pagefind's UI is built when the reader reaches for search: before Ctrl+K nothing of it is there,
    // and Ctrl+K at once after the page loads still ends with the input focused.
    expect(await visit.page.locator('#starlight__search input').count()).toBe(0);
    await visit.page.keyboard.press('Control+k');
    // Typed at once, before the input exists: nothing of it is lost.
    await visit.page.keyboard.type('Plash');
    await visit.page
      .locator(`#starlight__search a[href^="${site.base}the-bug/"]`)
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    expect(await visit.page.locator('#starlight__search input').inputValue()).toBe('Plash');
    await visit.page.locator('site-search dialog[open]').waitFor({ timeout: 5_000 });
    await visit.page.waitForFunction(() => document.activeElement?.matches('#starlight__search input') ?? false, null, {
      timeout: 5_000,
    });
    await visit.close();
  });
});

describe('themes', () => {
  test('the theme follows the system colour scheme until the reader chooses one', async () => {
    for (const colorScheme of ['dark', 'light'] as const) {
      const visit = await site.visit(CHAPTER, { context: { colorScheme } });
      expect(await visit.page.getAttribute('html', 'data-theme')).toBe(colorScheme);
      await visit.close();
    }
  });

  test('choosing dark mode applies at once and persists across pages and reloads', async () => {
    const visit = await site.visit(CHAPTER, {
      context: { colorScheme: 'light', viewport: { width: 1280, height: 800 } },
    });
    const { page } = visit;
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const lightBackground = await background();
    await page.locator('starlight-theme-select select').first().selectOption('dark');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await background()).not.toBe(lightBackground);
    await page.reload();
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.goto(site.url(''));
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await page.locator('starlight-theme-select select').first().inputValue()).toBe('dark');
    await visit.close();
  });
});

describe('the edges', () => {
  test('an unknown address gets the 404 page, styled and with a way home', async () => {
    const missing = site.url('no-such-page/');
    const visit = await site.visit('no-such-page/', {
      allowStatus: (url, status) => url === missing && status === 404,
    });
    expect(visit.response?.status()).toBe(404);
    expect(await visit.page.locator('h1').innerText()).toMatch(/404|not found/i);
    expect(await visit.page.locator(`main a[href="${site.base}"]`).count()).toBeGreaterThan(0);
    expect(await visit.page.locator(`main a[href="${site.base}the-bug/"]`).count()).toBeGreaterThan(0);
    expect(await runAxe(visit.page)).toEqual([]);
    expect(visit.failedRequests).toEqual([]);
    expect(visit.consoleErrors).toEqual([]);
    await visit.close();
  });

  test('the favicon is an SVG served under the base path', async () => {
    const visit = await site.visit('');
    const href = await visit.page.locator('link[rel~="icon"]').first().getAttribute('href');
    expect(href).toBe(`${site.base}favicon.svg`);
    const response = await fetch(site.origin + href);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(await response.text()).toMatch(/^<svg/);
    await visit.close();
  });
});

/** Waits (briefly) until a locator's attribute has the value; hydration happens after load. */
async function expectAttribute(locator: import('playwright-core').Locator, name: string, value: string) {
  await locator
    .page()
    .waitForFunction(
      ([el, n, v]) => (el as Element).getAttribute(n) === v,
      [await locator.elementHandle(), name, value] as const,
      { timeout: 10_000 },
    );
}
