// C in the Playground, in the real Chromium, as a reader meets it: a chapter's Playgrounds show C by
// default; an unedited example runs from its build-time tree with no parser download; an edit runs
// after the parser's wasm arrives; a syntax error is marked on its line; the C | TypeScript choice
// survives a reload; a share link opens in C; a pair compares C programs, Be the scheduler steps C,
// follow-the-bug marks C lines, and "Reproduce on Linux" downloads a file gcc compiles.
// Few page loads on purpose: each test walks several steps of one visit.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openSite, type Site, verdict } from './harness.ts';

const PAGE = 'pthread-atfork/';
const SINGLE = 'fl-playground[data-id="ch3-atfork-order"]';
const PAIR = 'fl-playground[data-id="ch3-atfork-buggy+ch3-atfork-fixed"]';

let site: Site;
let tmp: string;
beforeAll(async () => {
  site = await openSite(process.env.PLAYGROUND_DIST ? { root: process.env.PLAYGROUND_DIST } : {});
  tmp = mkdtempSync(join(tmpdir(), 'fl-c-e2e-'));
});
afterAll(async () => {
  await site?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The document in the island's first editor. */
const editorText = (page: Page, island: string) =>
  page
    .locator(`${island} .cm-content`)
    .first()
    .evaluate((el) => (el as HTMLElement).innerText);

/** Puts the cursor at the end of `line` (1-based) of the island's first editor and types `text` there. */
async function typeAtLineEnd(page: Page, island: string, line: number, text: string) {
  await page
    .locator(`${island} .cm-line`)
    .nth(line - 1)
    .click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

describe('C in the Playground', () => {
  test('C by default: unedited Run needs no parser; an edit runs; a syntax error is marked on its line', async () => {
    const v = await site.visit(PAGE);
    const { page } = v;
    const wasm: string[] = [];
    page.on('request', (r) => {
      if (/tree-sitter.*\.wasm/.test(r.url())) wasm.push(r.url());
    });
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    try {
      // Every Playground of the chapter with C twins shows C, with the TypeScript tab there.
      const langs = await page.$$eval('fl-playground[data-has-c]', (els) =>
        els.map((e) => (e as HTMLElement).dataset.lang),
      );
      expect(langs.length).toBeGreaterThan(2);
      expect(new Set(langs)).toEqual(new Set(['c']));
      const listing = page.locator(`${SINGLE} [data-code] [data-only="c"]`);
      await expect(listing.isVisible()).resolves.toBe(true);
      expect(await listing.innerText()).toContain('pthread_atfork(prepare1, parent1, child1);');
      expect(await page.locator(`${SINGLE} [data-code] [data-only="ts"]`).isVisible()).toBe(false);
      expect(await page.locator(`${SINGLE} .fl-pg-file`).innerText()).toBe('ch3-atfork-order.c');

      // Unedited: the tree packed at build time, no wasm; the verdict and the threads' C lines.
      await page.click(`${SINGLE} [data-action="run"]`);
      expect(await verdict(page, SINGLE)).toMatch(/no schedule goes wrong|every schedule/i);
      expect(wasm).toEqual([]);
      // Follow the schedule: at step 5 the main thread is at a line of the C listing.
      await page.locator(`${SINGLE} [data-step-range]`).fill('5');
      await page.waitForSelector(`${SINGLE} [data-only="c"] .line.fl-at`);
      const at = await page.locator(`${SINGLE} [data-only="c"] .line.fl-at`).first().innerText();
      expect(at).toMatch(/pthread_atfork|fork\(\)|val|waitpid|_exit|assert/);

      // An edit: the parser's wasm is fetched, the edited C runs, and the verdict is the edit's.
      await page.click(`${SINGLE} [data-action="edit"][data-pane="0"]`);
      await page.waitForSelector(`${SINGLE} .cm-content`);
      const lines = (await editorText(page, SINGLE)).split('\n');
      const assertLine = lines.findIndex((l) => l.includes('v == 24')) + 1;
      expect(assertLine).toBeGreaterThan(0);
      await page
        .locator(`${SINGLE} .cm-line`)
        .nth(assertLine - 1)
        .click();
      await page.keyboard.press('End');
      await page.keyboard.press('Home');
      await page.keyboard.type('if (v != 24) return 1; ');
      // The editor's C language highlights the C (its keywords get a highlight class).
      await page.waitForFunction(
        (sel) => !!document.querySelector(`${sel} [data-editor][data-lang="c"] .cm-line span[class]`),
        SINGLE,
      );
      // Brackets close as typed: '(' brought its ')', which typing ')' stepped over.
      expect(await editorText(page, SINGLE)).toMatch(/\n\s*if \(v != 24\) return 1; assert\(/);
      // A C edit loads no TypeScript: neither the editor's TypeScript language nor the compiler.
      expect(scripts.filter((u) => /editor-ts|compile|esbuild/.test(u))).toEqual([]);
      await page.click(`${SINGLE} [data-action="run"]`);
      expect(await verdict(page, SINGLE)).toMatch(/no schedule goes wrong|every schedule/i);
      expect(wasm.length).toBe(2);

      // A syntax error: marked on its line in the editor, and named with the line in the verdict.
      const errLine = lines.findIndex((l) => l.includes('int v = val;')) + 1;
      await typeAtLineEnd(page, SINGLE, errLine, ' int x = ;');
      await page.click(`${SINGLE} [data-action="run"]`);
      const text = await verdict(page, SINGLE);
      expect(text).toMatch(new RegExp(`does not compile[\\s\\S]*Line ${errLine}: syntax error`));
      expect(await page.locator(`${SINGLE} section[data-pane="0"]`).getAttribute('data-error-lines')).toBe(
        String(errLine),
      );
      await page.waitForSelector(`${SINGLE} .cm-lintRange-error`);
      const marked = await page
        .locator(`${SINGLE} .cm-lintRange-error`)
        .first()
        .evaluate((el) => el.closest('.cm-line')?.textContent ?? '');
      expect(marked).toContain('int x = ;');
      expect(v.consoleErrors).toEqual([]);
    } finally {
      await v.close();
    }
  });

  test('a C pair, Be the scheduler, Reproduce on Linux, the language after reload, a share link in C', async () => {
    const v = await site.visit(PAGE, { context: { acceptDownloads: true } });
    const { page } = v;
    try {
      // The pair compares the two C programs: the buggy one hangs, the fix does not, and where they part.
      await page.click(`${PAIR} [data-action="run"]`);
      await verdict(page, PAIR);
      expect(await page.locator(`${PAIR} [data-verdict]`).getAttribute('data-verdicts')).toBe('deadlock ok');
      await page.waitForSelector(`${PAIR} [data-divergence]`);
      // Follow the bug on the C lines of both panes.
      await page.waitForSelector(`${PAIR} section[data-pane="0"] [data-only="c"] .line.fl-at`);

      // Reproduce on Linux: the download is C that gcc compiles alone.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${PAIR} [data-reproduce]`)]);
      expect(download.suggestedFilename()).toBe('ch3-atfork-buggy-repro.c');
      const file = join(tmp, download.suggestedFilename());
      await download.saveAs(file);
      const c = readFileSync(file, 'utf8');
      expect(c).toContain('A forced replay of ch3-atfork-buggy.c');
      expect(c).toContain('pthread_mutex_lock');
      execFileSync('gcc', ['-std=gnu11', '-pthread', '-o', join(tmp, 'repro'), file], { stdio: 'pipe' });
      expect(await page.locator(`${PAIR} .fl-pg-reproduce-status`).innerText()).toContain('Downloaded');

      // Be the scheduler steps the C program.
      await page.selectOption(`${SINGLE} [data-mode]`, 'sched');
      await page.click(`${SINGLE} [data-action="run"]`);
      await page.waitForSelector(`${SINGLE} [data-action="sched-pick"]`);
      await page.click(`${SINGLE} [data-action="sched-pick"]`);
      await page.waitForFunction(
        (sel) => /Step 1:/.test(document.querySelector(`${sel} [data-verdict]`)?.textContent ?? ''),
        SINGLE,
      );

      // Until the reader picks TypeScript its listings are kept out of the page (in templates): the
      // page lays out only the C it shows.
      expect(await page.locator('fl-playground[data-has-c] [data-code] [data-only="ts"] .line').count()).toBe(0);
      expect(
        await page.locator('fl-playground[data-has-c] [data-code] [data-only="ts"] > template').count(),
      ).toBeGreaterThan(0);
      // TypeScript, remembered across a reload (every Playground of the page follows), then C again.
      await page.click(`${SINGLE} [data-action="lang"][data-lang="ts"]`);
      await page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLElement>('fl-playground[data-has-c]')].every((e) => e.dataset.lang === 'ts'),
      );
      expect(await page.locator(`${SINGLE} [data-code] [data-only="ts"]`).innerText()).toContain('pthread_atfork');
      expect(await page.locator('fl-playground[data-has-c] [data-code] [data-only="ts"] > template').count()).toBe(0);
      await page.reload();
      await page.waitForSelector(`${SINGLE}[data-ready]`);
      expect(await page.locator(SINGLE).getAttribute('data-lang')).toBe('ts');
      expect(await page.locator(`${SINGLE} [data-code] [data-only="ts"]`).isVisible()).toBe(true);
      expect(await page.locator(`${SINGLE} .fl-pg-file`).innerText()).toBe('ch3-atfork-order.ts');
      await page.click(`${SINGLE} [data-action="lang"][data-lang="c"]`);
      await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.lang === 'c', SINGLE);
      await page.reload();
      await page.waitForSelector(`${SINGLE}[data-ready]`);
      expect(await page.locator(SINGLE).getAttribute('data-lang')).toBe('c');

      // A share link of an edited C program opens in C, in a browser that chose TypeScript.
      await page.click(`${SINGLE} [data-action="edit"][data-pane="0"]`);
      await page.waitForSelector(`${SINGLE} .cm-content`);
      // The shared C writes markup: reader C is data to the page, and what it prints stays text.
      const lines = (await editorText(page, SINGLE)).split('\n');
      const at = lines.findIndex((l) => l.includes('int v = val;')) + 1;
      await typeAtLineEnd(page, SINGLE, 1, ' shared');
      await typeAtLineEnd(page, SINGLE, at, ' write(1, "<img src=x onerror=window.pwned=1>", 34);');
      await page.click(`${SINGLE} [data-action="share"]`);
      await page.waitForFunction((sel) => !!document.querySelector<HTMLElement>(sel)?.dataset.shareUrl, SINGLE);
      const url = (await page.locator(SINGLE).getAttribute('data-share-url'))!;
      const other = await site.browser.newContext();
      try {
        await other.addInitScript(() => localStorage.setItem('forklore:v1:lang', 'ts'));
        const p2 = await other.newPage();
        await p2.goto(url);
        await p2.waitForSelector(`${SINGLE} .cm-content`);
        expect(await p2.locator(SINGLE).getAttribute('data-lang')).toBe('c');
        expect((await editorText(p2, SINGLE)).split('\n')[0]).toMatch(/shared$/);
        await p2.click(`${SINGLE} [data-action="run"]`);
        expect(await verdict(p2, SINGLE)).toMatch(/no schedule goes wrong|every schedule/i);
        expect(await p2.locator(`${SINGLE} [data-results]`).innerText()).toContain('<img src=x onerror');
        expect(await p2.locator(`${SINGLE} [data-results] img`).count()).toBe(0);
        expect(await p2.evaluate(() => (window as { pwned?: unknown }).pwned)).toBeUndefined();
      } finally {
        await other.close();
      }
      expect(v.consoleErrors).toEqual([]);
    } finally {
      await v.close();
    }
  });
});
