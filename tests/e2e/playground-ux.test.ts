// The Playground as a reader uses it, in the real Chromium: the editor edits where you click and follows
// the site's theme, the trace can be followed line by line, the pair comparison lines the two programs
// up, results never outlive the run they describe, and Be the scheduler keeps the keyboard's place.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSite, DIST, type Site, type Visit, verdict } from './harness.ts';
import { decodeSchedule } from '../../sim/explore/schedule.ts';

const CHAPTER = 'the-bug/';
const PAIR = 'fl-playground[data-id="ch1-wrapper-buggy+ch1-wrapper-fixed"]';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let site: Site;
beforeAll(async () => {
  // The TypeScript API's Playground (C's is tests/e2e/playground-c.test.ts).
  site = await openSite({ lang: 'ts', ...(process.env.PLAYGROUND_DIST ? { root: process.env.PLAYGROUND_DIST } : {}) });
});
afterAll(async () => {
  await site?.close();
});

async function open(path = CHAPTER, options: Parameters<Site['visit']>[1] = {}, island = PAIR): Promise<Visit> {
  const v = await site.visit(path, options);
  await v.page.waitForSelector(`${island}[data-ready]`);
  return v;
}

/** The whole document of a pane's editor, read from CodeMirror itself (not the rendered lines). */
async function editorDoc(page: Page, island: string, pane: number): Promise<string> {
  return page.evaluate(
    ([sel, i]) => {
      const content = document.querySelector<
        HTMLElement & { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } }
      >(`${sel} section[data-pane="${i}"] .cm-content`);
      const view = content?.cmTile?.root?.view;
      if (!view) throw new Error('no CodeMirror view on .cm-content');
      return view.state.doc.toString();
    },
    [island, pane] as const,
  );
}

async function openEditor(page: Page, island: string, pane: number) {
  const section = page.locator(`${island} section[data-pane="${pane}"]`);
  await section.locator('[data-action="edit"]').click();
  await section.locator('.cm-content').waitFor();
}

/** Contrast violations of axe-core inside the Playgrounds. */
async function contrastViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // @ts-expect-error: axe is the global that axe.min.js defines in the page.
    const result = await window.axe.run(
      { include: [['fl-playground']] },
      { runOnly: ['color-contrast'], resultTypes: ['violations'] },
    );
    return (result.violations as { nodes: { target: string[]; failureSummary?: string }[] }[]).flatMap((v) =>
      v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').split('\n').slice(1, 2).join('')}`),
    );
  });
}

describe('editing', () => {
  test('a click on any of five lines puts the cursor on that line, and ArrowDown moves one line at a time', async () => {
    const v = await open();
    const { page } = v;
    await openEditor(page, PAIR, 0);
    const before = (await editorDoc(page, PAIR, 0)).split('\n');
    // Five lines spread over the visible part of the listing, each clicked at its start.
    const lines = page.locator(`${PAIR} section[data-pane="0"] .cm-line`);
    const count = await lines.count();
    expect(count).toBeGreaterThan(15);
    const targets = [2, 5, 9, 12, 15];
    // Let the editor finish its first layout (it has just replaced the listing).
    await page.waitForTimeout(500);
    for (const n of targets) {
      // A real click a few pixels into the line (Playwright scrolls it into view first, if need be).
      const box = (await lines.nth(n - 1).boundingBox())!;
      await lines.nth(n - 1).click({ position: { x: 3, y: box.height / 2 } });
      await page.keyboard.press('End');
      await page.keyboard.type(`@${n}@`);
    }
    const after = (await editorDoc(page, PAIR, 0)).split('\n');
    expect(after.length).toBe(before.length);
    for (let i = 0; i < after.length; i++) {
      const n = i + 1;
      expect(after[i], `line ${n}`).toBe(targets.includes(n) ? `${before[i]}@${n}@` : before[i]);
    }
    // From the first line, each ArrowDown moves exactly one line.
    await lines.first().click();
    await page.keyboard.press('ControlOrMeta+Home');
    for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await page.keyboard.type('@7@');
    expect((await editorDoc(page, PAIR, 0)).split('\n')[6]!.startsWith('@7@')).toBe(true);
    // Rendered lines sit one line-height apart: no margin between them.
    const tops = await page.$$eval(`${PAIR} section[data-pane="0"] .cm-line`, (els) =>
      els.slice(0, 6).map((e) => e.getBoundingClientRect().top),
    );
    const gaps = tops.slice(1).map((t, i) => t - tops[i]!);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(1);
    expect(Math.max(...gaps)).toBeLessThan(24);
    await v.close();
  });

  test('the toolbar controls and the two panes of a pair line up', async () => {
    const v = await open();
    const { page } = v;
    const mid = async (sel: string) => {
      const b = (await page.locator(sel).first().boundingBox())!;
      return b.y + b.height / 2;
    };
    const run = await mid(`${PAIR} [data-action="run"]`);
    expect(Math.abs((await mid(`${PAIR} [data-mode]`)) - run)).toBeLessThan(2);
    expect(Math.abs((await mid(`${PAIR} [data-action="share"]`)) - run)).toBeLessThan(2);
    await page.selectOption(`${PAIR} [data-mode]`, 'sched');
    await page.click(`${PAIR} [data-action="run"]`);
    await page.waitForSelector(`${PAIR} [data-action="sched-pick"]`);
    const pick = await mid(`${PAIR} [data-action="sched-pick"]`);
    expect(Math.abs((await mid(`${PAIR} [data-action="sched-undo"]`)) - pick)).toBeLessThan(2);
    expect(Math.abs((await mid(`${PAIR} [data-action="sched-restart"]`)) - pick)).toBeLessThan(2);
    await v.close();
  });

  test('on the landing page the two panes of a pair sit side by side, their first lines level', async () => {
    const v = await site.visit('', { context: { viewport: { width: 1280, height: 800 } } });
    const { page } = v;
    await page.waitForSelector('fl-playground.fl-pg-pair[data-ready]');
    const codes = await page.$$eval('fl-playground.fl-pg-pair section[data-pane] .astro-code', (els) =>
      // The listings shown (each pane holds a C and a TypeScript one, the other language's hidden).
      els
        .filter((e) => e.getClientRects().length > 0)
        .slice(0, 2)
        .map((e) => e.getBoundingClientRect()),
    );
    expect(codes[1]!.left).toBeGreaterThan(codes[0]!.right - 1);
    expect(Math.abs(codes[0]!.top - codes[1]!.top)).toBeLessThan(1);
    await v.close();
  });
});

describe('touch screens', () => {
  test('a phone is not offered the Ctrl+Enter shortcut; a desktop is', async () => {
    const shown = async (context: NonNullable<Parameters<Site['visit']>[1]>['context']) => {
      const v = await open(CHAPTER, context ? { context } : {});
      const display = await v.page.$eval(`${PAIR} [data-action="run"] kbd`, (k) => getComputedStyle(k).display);
      await v.close();
      return display;
    };
    expect(await shown(undefined)).not.toBe('none');
    expect(await shown({ hasTouch: true, isMobile: true, viewport: { width: 390, height: 844 } })).toBe('none');
  });
});

describe('themes', () => {
  for (const colorScheme of ['dark', 'light'] as const)
    test(`the editor takes the site's ${colorScheme} theme, has no contrast violations, and switches with the site`, async () => {
      const v = await open(CHAPTER, { context: { colorScheme } });
      const { page } = v;
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
      await openEditor(page, PAIR, 0);
      const bg = () =>
        page.$eval(`${PAIR} section[data-pane="0"] .cm-editor`, (e) => getComputedStyle(e).backgroundColor);
      const listingBg = await page.$eval(
        `${PAIR} section[data-pane="1"] .astro-code`,
        (e) => getComputedStyle(e).backgroundColor,
      );
      // Pressing Edit keeps the listing's background: the editor looks like the code it replaced.
      expect(await bg()).toBe(listingBg);
      expect(await bg()).toBe(colorScheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)');
      expect(await contrastViolations(page)).toEqual([]);
      // The reader switches the theme with the editor open: the editor follows at once.
      const other = colorScheme === 'dark' ? 'light' : 'dark';
      const select = page.locator('starlight-theme-select select').filter({ visible: true }).first();
      await select.selectOption(other);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(other);
      await page.waitForFunction(
        ([sel, want]) =>
          getComputedStyle(document.querySelector(`${sel} section[data-pane="0"] .cm-editor`)!).backgroundColor ===
          want,
        [PAIR, other === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(255, 255, 255)'] as const,
      );
      expect(await contrastViolations(page)).toEqual([]);
      await v.close();
    });
});

/** Pairs of SVG text elements whose boxes intersect, in every timeline of the island's results. */
async function overlappingLabels(page: Page, island: string): Promise<string[]> {
  return page.$$eval(`${island} [data-results] svg.fl-timeline`, (svgs) =>
    svgs.flatMap((svg) => {
      const boxes = [...svg.querySelectorAll('text')].map((t) => ({
        text: t.textContent ?? '',
        r: t.getBoundingClientRect(),
      }));
      const bad: string[] = [];
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!.r;
          const b = boxes[j]!.r;
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (w > 0.5 && h > 0.5) bad.push(`"${boxes[i]!.text}" × "${boxes[j]!.text}"`);
        }
      return bad;
    }),
  );
}

describe('following the bug', () => {
  test('the timeline scrolls to keep the cursor in view, explains its marks, and Explain narrates the schedule', async () => {
    const v = await open('testing-a-heisenbug/', {}, 'fl-playground');
    const { page } = v;
    const island = 'fl-playground >> nth=0';
    const first = page.locator('fl-playground').first();
    const id = await first.getAttribute('data-id');
    const sel = `fl-playground[data-id="${id}"]`;
    await first.locator('[data-action="run"]').click();
    await verdict(page, sel, 60_000);
    const tl = first.locator('[data-timeline]').first();
    // The slider starts at the last step, where the deadlock is: the timeline shows that end.
    const inView = () =>
      tl.evaluate((el) => {
        const c = el.querySelector('.fl-cursor')!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return c.left >= box.left && c.right <= box.right;
      });
    expect(await tl.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.waitForFunction((s) => document.querySelector(`${s} [data-timeline]`)!.scrollLeft > 0, sel);
    expect(await inView()).toBe(true);
    const range = first.locator('[data-step-range]').first();
    await range.focus();
    await page.keyboard.press('Home');
    await page.waitForFunction((s) => document.querySelector(`${s} [data-timeline]`)!.scrollLeft === 0, sel);
    expect(await inView()).toBe(true);
    // A one-line legend names every mark.
    const legend = await first.locator('[data-legend]').first().innerText();
    for (const words of ['holds a lock', 'waits', 'left behind by fork', 'fork', 'stuck forever', 'this step'])
      expect(legend).toContain(words);
    // Explain this schedule: numbered sentences, one per decisive step, the fork among them.
    await first.locator('.fl-pg-explain summary').first().click();
    const sentences = await first
      .locator('[data-explain] li')
      .first()
      .locator('xpath=..')
      .locator('li')
      .allInnerTexts();
    expect(sentences.length).toBeGreaterThan(2);
    expect(sentences.join('\n')).toMatch(/calls (_Fork|fork)/);
    expect(sentences[sentences.length - 1]).toMatch(/forever/);
    // A sentence takes the cursor to its step.
    const goto = first.locator('[data-explain] [data-goto]').nth(1);
    const to = await goto.getAttribute('data-goto');
    await goto.click();
    expect(await range.inputValue()).toBe(to);
    expect(island).toBeTruthy();
    await v.close();
  });

  test('Play animates the counterexample from the first step to the last', async () => {
    const v = await open();
    const { page } = v;
    await page.click(`${PAIR} [data-action="run"]`);
    await verdict(page, PAIR);
    const range = page.locator(`${PAIR} [data-left] [data-step-range]`);
    const max = await range.getAttribute('max');
    await page.click(`${PAIR} [data-left] [data-step-play]`);
    await page.waitForFunction(
      (s) => Number((document.querySelector(s) as HTMLInputElement).value) > 0,
      `${PAIR} [data-left] [data-step-range]`,
    );
    const seen = Number(await range.inputValue());
    expect(seen).toBeLessThan(Number(max));
    await page.waitForFunction(
      ([s, m]) => (document.querySelector(s) as HTMLInputElement).value === m,
      [`${PAIR} [data-left] [data-step-range]`, max!] as const,
      { timeout: 60_000 },
    );
    expect(await page.locator(`${PAIR} [data-left] [data-step-play]`).innerText()).toBe('Play');
    await v.close();
  });

  test('each step is spoken once: the step lines are not live regions, and the slider speaks for itself', async () => {
    const v = await open();
    const { page } = v;
    await page.click(`${PAIR} [data-action="run"]`);
    await verdict(page, PAIR);
    // The live regions of a pair after a Run: the verdict and one step announcer.
    const live = await page.$$eval(`${PAIR} :is([aria-live], [role="status"], output)`, (els) =>
      els
        .filter((e) => (e.getAttribute('aria-live') ?? 'polite') !== 'off')
        .map((e) => Object.keys((e as HTMLElement).dataset).join(',') || e.tagName.toLowerCase()),
    );
    expect(live).toEqual(['verdict,kind,verdicts', 'stepAnnounce']);
    const announced = () => page.locator(`${PAIR} [data-step-announce]`).textContent();
    // Keys on the focused slider: its aria-valuetext is what a screen reader says; the announcer is quiet.
    const range = page.locator(`${PAIR} [data-left] [data-step-range]`);
    await range.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(400);
    expect(await range.getAttribute('aria-valuetext')).toMatch(/^step 1 of \d+: /);
    expect(await announced()).toBe('');
    // The ▶ button moves the cursor without the slider's voice: the announcer says the step.
    await page.click(`${PAIR} [data-left] [data-step-next]`);
    await page.waitForFunction(
      (s) => /^Step 2 of \d+: /.test(document.querySelector(s)?.textContent ?? ''),
      `${PAIR} [data-step-announce]`,
    );
    await v.close();
  });

  // The timeline is an SVG of fixed size (timeline-svg.ts measures nothing), so one Run per page serves
  // both widths: the labels are measured at each width after the viewport is resized.
  test("no two labels of a timeline overlap, on every page's first Playground (1280 and 390 px)", async () => {
    const pages = site.pages().filter((p) => !/^(reference|glossary)\//.test(p));
    const checked: string[] = [];
    const widths = [1280, 390] as const;
    for (const path of pages) {
      const v = await site.visit(path, { context: { viewport: { width: widths[0], height: 900 } } });
      const first = v.page.locator('fl-playground').first();
      if (!(await first.count())) {
        await v.close();
        continue;
      }
      await v.page.waitForSelector('fl-playground[data-ready]');
      const sel = `fl-playground[data-id="${await first.getAttribute('data-id')}"]`;
      await first.locator('[data-action="run"]').click();
      await verdict(v.page, sel, 60_000);
      expect(await first.locator('[data-results] svg.fl-timeline').count(), path).toBeGreaterThan(0);
      for (const width of widths) {
        await v.page.setViewportSize({ width, height: 900 });
        expect(await overlappingLabels(v.page, sel), `${path} at the last step (${width} px)`).toEqual([]);
      }
      // And at the first step, where the future is drawn faintly but still drawn.
      for (const r of await first.locator('[data-step-range]').all()) {
        await r.focus();
        await v.page.keyboard.press('Home');
      }
      for (const width of [...widths].reverse()) {
        await v.page.setViewportSize({ width, height: 900 });
        expect(await overlappingLabels(v.page, sel), `${path} at step 0 (${width} px)`).toEqual([]);
      }
      checked.push(path);
      await v.close();
    }
    expect(checked.length).toBeGreaterThanOrEqual(9);
  });
});

/** The threads marked on each line of a pane's code, as { line: 'tids' }. */
async function marks(page: Page, island: string, pane: number): Promise<Record<number, string>> {
  return page.$$eval(`${island} section[data-pane="${pane}"] :is(.line, .cm-line)`, (els) => {
    const out: Record<number, string> = {};
    els.forEach((el, i) => {
      if (el.classList.contains('fl-at')) out[i + 1] = (el as HTMLElement).dataset.threads ?? '';
    });
    return out;
  });
}

describe('following the bug in the code', () => {
  test('each step highlights the line each thread is at, one colour per thread, in both panes of a pair', async () => {
    const v = await open();
    const { page } = v;
    await page.click(`${PAIR} [data-action="run"]`);
    await verdict(page, PAIR);
    const src = await page.$$eval(`${PAIR} section[data-pane="0"] .line`, (els) => els.map((e) => e.textContent ?? ''));
    // At the last step of the deadlock: the child (1002) waits in the lock it inherited, main in waitpid.
    await page.waitForFunction(
      (s) => document.querySelectorAll(`${s} section[data-pane="0"] .line.fl-at`).length > 0,
      PAIR,
    );
    let m = await marks(page, PAIR, 0);
    const lineOf = (tid: number, mk: Record<number, string>) =>
      Number(Object.entries(mk).find(([, t]) => t.split(/\s*◀\s*/).includes(String(tid)))?.[0]);
    expect(src[lineOf(1000, m) - 1]).toMatch(/waitpid/);
    expect(src[lineOf(1002, m) - 1]).toMatch(/pthread_mutex_lock\(libc_lock\)/);
    // Each thread has its own colour.
    const colours = await page.$$eval(`${PAIR} section[data-pane="0"] .line.fl-at`, (els) =>
      els.map((e) => (e as HTMLElement).style.getPropertyValue('--fl-at')),
    );
    expect(new Set(colours).size).toBe(colours.length);
    // Step through: at the fork step, main is on its _Fork line while 1001 is inside plash_call.
    const range = page.locator(`${PAIR} [data-left] [data-step-range]`);
    const forkStep = Number(
      await page.$eval(`${PAIR} [data-left] [data-explain]`, (ol) =>
        [...ol.querySelectorAll('li')].find((li) => /calls _?Fork/i.test(li.textContent ?? ''))!.getAttribute('data-s'),
      ),
    );
    await range.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < forkStep; i++) await page.keyboard.press('ArrowRight');
    m = await marks(page, PAIR, 0);
    expect(src[lineOf(1000, m) - 1]).toMatch(/_Fork\(\)/);
    expect(src[lineOf(1001, m) - 1]).toMatch(/write\(3|pthread_mutex_(un)?lock\(libc_lock\)/);
    // The fixed pane follows its own trace (at its last step every thread has exited: nothing marked).
    const right = page.locator(`${PAIR} [data-right] [data-step-range]`);
    await right.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (s) => document.querySelectorAll(`${s} section[data-pane="1"] .line.fl-at`).length > 0,
      PAIR,
    );
    const fixedSrc = await page.$$eval(`${PAIR} section[data-pane="1"] .line`, (els) =>
      els.map((e) => e.textContent ?? ''),
    );
    expect(fixedSrc[lineOf(1001, await marks(page, PAIR, 1)) - 1]).toMatch(/libc_lock/);
    await page.keyboard.press('End');
    expect(await marks(page, PAIR, 1)).toEqual({});
    await v.close();
  });
});

describe('following the bug in an edited program', () => {
  test("after an edit that moves every line, the editor's highlights follow the edited code", async () => {
    // Tall enough for CodeMirror to draw every line of the editor (it draws only what is in view).
    const v = await open(CHAPTER, { context: { viewport: { width: 1280, height: 4000 } } });
    const { page } = v;
    await openEditor(page, PAIR, 0);
    await page.locator(`${PAIR} section[data-pane="0"] .cm-content`).click();
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.insertText('// two lines added\n// above the program\n');
    await page.keyboard.press('ControlOrMeta+Enter');
    expect(await verdict(page, PAIR, 90_000)).toMatch(/Deadlock/);
    await page.waitForFunction(
      (s) => document.querySelectorAll(`${s} section[data-pane="0"] .cm-line.fl-at`).length > 0,
      PAIR,
      { timeout: 30_000 },
    );
    const src = (await editorDoc(page, PAIR, 0)).split('\n');
    expect(src[0]).toBe('// two lines added');
    // The editor's own lines only (the hidden listing's lines come first in the pane).
    const m = await page.$$eval(`${PAIR} section[data-pane="0"] .cm-line`, (els) =>
      Object.fromEntries(
        els.flatMap((el, i) =>
          el.classList.contains('fl-at') ? [[i + 1, (el as HTMLElement).dataset.threads ?? '']] : [],
        ),
      ),
    );
    const lineOf = (tid: number) =>
      Number(Object.entries(m).find(([, t]) => t.split(/\s*◀\s*/).includes(String(tid)))?.[0]);
    // At the deadlock, in the edited text: the child in the lock it inherited, two lines lower than in
    // the site's listing.
    expect(src[lineOf(1002) - 1]).toMatch(/pthread_mutex_lock\(libc_lock\)/);
    // ...and main in waitpid, for the child that never exits: the editor brings that line into view
    // (CodeMirror draws only what is in view, so a mark left out of view is not on the page).
    const drawn = await page.$$eval(`${PAIR} section[data-pane="0"] .cm-line.fl-at`, (els) =>
      els.map((el) => ({ text: el.textContent ?? '', threads: (el as HTMLElement).dataset.threads ?? '' })),
    );
    expect(drawn.find((d) => d.threads.split(/\s*◀\s*/).includes('1000'))?.text).toMatch(/waitpid/);
    await v.close();
  });
});

describe('the pair comparison', () => {
  test('the buggy schedule is played on the fix, the runs are lined up by shared events, and where they part is said in words', async () => {
    const v = await open(CHAPTER, { context: { viewport: { width: 1280, height: 900 } } });
    const { page } = v;
    await page.click(`${PAIR} [data-action="run"]`);
    await verdict(page, PAIR);
    const caption = await page.locator(`${PAIR} [data-right] .fl-pg-sub`).first().innerText();
    expect(caption).not.toMatch(/does not apply/);
    expect(caption).toMatch(/the same schedule/);
    const words = await page.locator(`${PAIR} [data-divergence]`).innerText();
    expect(words).toMatch(/thread 1000 still holds libc_lock, so thread 1001 waits/);
    // ...and at the fork, what the buggy run copies and what the fixed run holds instead.
    expect(await page.locator(`${PAIR} [data-at-fork]`).innerText()).toMatch(
      /thread 1001 holds libc_lock: the child gets libc_lock locked by a thread it does not have.*In ch1-wrapper-fixed, at its fork \(step \d+\), libc_lock is held by thread 1000, the thread that forks/,
    );
    // The table lines up the shared events; the first row that differs is marked.
    const rows = page.locator(`${PAIR} .fl-pg-align tbody tr`);
    expect(await rows.count()).toBeGreaterThan(5);
    const first = page.locator(`${PAIR} .fl-pg-align tr.fl-pg-first-diff`);
    expect(await first.count()).toBe(1);
    const before = await page.$$eval(`${PAIR} .fl-pg-align tbody tr`, (trs) => {
      const i = trs.findIndex((tr) => tr.classList.contains('fl-pg-first-diff'));
      return trs.slice(0, i).every((tr) => !tr.hasAttribute('data-differs')) && i > 2;
    });
    expect(before).toBe(true);
    // A step number in the table moves that side's cursor there.
    await page.locator(`${PAIR} .fl-pg-align summary`).click();
    const b = first.locator('[data-goto-b]');
    const to = await b.getAttribute('data-goto-b');
    await b.click();
    expect(await page.locator(`${PAIR} [data-right] [data-step-range]`).inputValue()).toBe(to);
    // Each program's verdict in its own colour, the two side by side.
    const sides = await page.$$eval(`${PAIR} [data-verdict] .fl-pg-side`, (els) =>
      els.map((e) => ({
        kind: (e as HTMLElement).dataset.kind,
        border: getComputedStyle(e).borderLeftColor,
        box: e.getBoundingClientRect().toJSON() as DOMRect,
      })),
    );
    expect(sides.map((s) => s.kind)).toEqual(['bad', 'ok']);
    expect(sides[0]!.border).not.toBe(sides[1]!.border);
    expect(sides[1]!.box.left).toBeGreaterThanOrEqual(sides[0]!.box.right - 1);
    // The two programs' code sits side by side in the chapter's column.
    const codes = await page.$$eval(`${PAIR} section[data-pane]`, (els) =>
      els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect),
    );
    expect(codes[1]!.left).toBeGreaterThanOrEqual(codes[0]!.right - 1);
    await v.close();
  });

  test('every pair on the site plays the buggy schedule on its fix instead of saying it does not apply', async () => {
    let pairs = 0;
    for (const path of site.pages()) {
      const v = await site.visit(path);
      const ids = await v.page.$$eval('fl-playground.fl-pg-pair', (els) => els.map((e) => e.getAttribute('data-id')!));
      for (const id of ids) {
        const sel = `fl-playground[data-id="${id}"]`;
        await v.page.waitForSelector(`${sel}[data-ready]`);
        await v.page.click(`${sel} [data-action="run"]`);
        await verdict(v.page, sel, 60_000);
        const captions = (await v.page.locator(`${sel} [data-results] .fl-pg-sub`).allInnerTexts()).join('\n');
        expect(captions, `${path} ${id}`).not.toMatch(/does not apply/);
        if ((await v.page.locator(`${sel} [data-verdict]`).getAttribute('data-verdicts'))?.split(' ')[0] !== 'ok') {
          expect(captions, `${path} ${id}`).toMatch(/the same schedule/);
          expect(await v.page.locator(`${sel} [data-compare] [data-divergence]`).count(), `${path} ${id}`).toBe(1);
          // A lock left behind by fork: what the fix does at its own fork is said too.
          if (/left behind by fork/.test(await v.page.locator(`${sel} [data-verdict] .fl-pg-side`).first().innerText()))
            expect(await v.page.locator(`${sel} [data-compare] [data-at-fork]`).innerText(), `${path} ${id}`).toMatch(
              /^At the fork\. .* In \S+, at its fork/,
            );
        }
        pairs++;
      }
      await v.close();
    }
    expect(pairs).toBeGreaterThanOrEqual(13);
  });
});

describe('truthful results', () => {
  test('an edit marks the results stale, a compile error clears them, and no download line outlives the download', async () => {
    const v = await open();
    const { page } = v;
    await page.click(`${PAIR} [data-action="run"]`);
    await verdict(page, PAIR);
    await page.waitForFunction((s) => document.querySelectorAll(`${s} .line.fl-at`).length > 0, PAIR);
    await openEditor(page, PAIR, 0);
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('\n// a comment');
    const stale = page.locator(`${PAIR} [data-verdict] [data-stale-note]`);
    await stale.waitFor();
    expect(await stale.innerText()).toMatch(/changed the program since this run/);
    expect(await page.locator(`${PAIR} .fl-at`).count()).toBe(0);
    // A syntax error: the verdict says so and nothing of the old run stays below it.
    await page.keyboard.type('\nclone_connection(;');
    await page.keyboard.press('ControlOrMeta+Enter');
    expect(await verdict(page, PAIR, 60_000)).toMatch(/does not compile/);
    expect(await page.locator(`${PAIR} [data-results]`).innerHTML()).toBe('');
    expect(await page.locator(`${PAIR} [data-note]`).innerText()).not.toMatch(/Downloading the compiler/);
    await v.close();
  });

  test('a found deadlock is reported as found, the state table says what a joining thread waits for, and POSIX notes fold into one line', async () => {
    const v = await open('testing-a-heisenbug/', {}, 'fl-playground');
    const { page } = v;
    const first = page.locator('fl-playground').first();
    const sel = `fl-playground[data-id="${await first.getAttribute('data-id')}"]`;
    await first.locator('[data-action="run"]').click();
    const text = await verdict(page, sel, 60_000);
    expect(text).toMatch(/Deadlock/);
    expect(text).not.toMatch(/not a proof|maxTime/);
    const rows = await first.locator('[data-state] table').first().locator('tbody tr').allInnerTexts();
    const main = rows.find((r) => r.startsWith('1000'))!;
    expect(main).not.toMatch(/\brunning\b/);
    expect(main).toMatch(/pthread_join/);
    await v.close();
    const ch1 = await open();
    await ch1.page.click(`${PAIR} [data-action="run"]`);
    await verdict(ch1.page, PAIR);
    const notes = ch1.page.locator(`${PAIR} [data-verdict] .fl-pg-notes`);
    expect(await notes.count()).toBeGreaterThan(0);
    expect(await notes.first().locator('summary').innerText()).toMatch(/notes? on what POSIX allows \(not findings\)/);
    expect(await notes.first().locator('.fl-pg-noteline').first().isVisible()).toBe(false);
    await ch1.close();
  });
});

describe('Be the scheduler from the keyboard', () => {
  test("keyboard-only play reaches the chapter's goal, then the fixed program holds; focus stays on the choices", async () => {
    const v = await open();
    const { page } = v;
    // The counterexample, from a check: the order of picks that hangs the child.
    await page.click(`${PAIR} [data-action="run"]`);
    await verdict(page, PAIR);
    const schedule = await page.locator(`${PAIR} [data-results] [data-left] .fl-pg-sub code`).first().innerText();
    const ids = decodeSchedule(schedule);
    await page.selectOption(`${PAIR} [data-mode]`, 'sched');
    // From here on, only keys.
    await page.focus(`${PAIR} [data-mode]`);
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector(`${PAIR} [data-action="sched-pick"]`);
    expect(await page.locator(`${PAIR} [data-goal-state="open"]`).innerText()).toMatch(/^Goal: Hang the child/);
    const focused = () =>
      page.evaluate(() => {
        const a = document.activeElement as HTMLElement | null;
        return { action: a?.dataset.action ?? a?.tagName, choice: a?.dataset.choice };
      });
    // Run leaves the keyboard on the first choice; picks by keyboard alone: Tab to the wanted one, Enter.
    for (const [i, id] of ids.entries()) {
      const choices = await page.$$eval(`${PAIR} [data-action="sched-pick"]`, (bs) =>
        bs.map((b) => (b as HTMLElement).dataset.choice),
      );
      expect((await focused()).action).toBe('sched-pick');
      for (let k = 0; k < choices.indexOf(id); k++) await page.keyboard.press('Tab');
      expect((await focused()).choice).toBe(id);
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        ([sel, n]) =>
          new RegExp(`Step ${n}:|in ${n} steps`).test(
            document.querySelector(`${sel} [data-verdict]`)?.textContent ?? '',
          ),
        [PAIR, i + 1] as const,
      );
    }
    // The goal is met, said in the live region, and the keyboard is on the way to the fixed program.
    expect(await page.locator(`${PAIR} [data-verdict] [data-goal-state="reached"]`).innerText()).toMatch(
      new RegExp(`Goal reached: you hung the child in ${ids.length} steps`),
    );
    expect(await page.locator(PAIR).getAttribute('data-goal-reached')).toBe('0');
    expect((await focused()).action).toBe('sched-pane');
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (sel) =>
        /of ch1-wrapper-fixed/.test(document.querySelector(`${sel} [data-results] .fl-pg-sub`)?.textContent ?? ''),
      PAIR,
    );
    expect(await page.locator(`${PAIR} [data-goal-state="open"]`).innerText()).toMatch(/^Now try the fixed program/);
    // The same picks on the fix, as far as it lets them go, then the first choice each time.
    for (let n = 1; n <= 200; n++) {
      const at = await focused();
      if (at.action !== 'sched-pick') break;
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        ([sel, k]) =>
          new RegExp(`Step ${k}:|after ${k} steps|in ${k} steps`).test(
            document.querySelector(`${sel} [data-verdict]`)?.textContent ?? '',
          ),
        [PAIR, n] as const,
      );
    }
    expect(await page.locator(`${PAIR} [data-verdict] [data-goal-state="fix-held"]`).count()).toBe(1);
    expect(await page.locator(PAIR).getAttribute('data-goal-reached')).toBe('0');
    // Undo keeps the keyboard on Undo, and the world steps back.
    expect((await focused()).action).toBe('sched-undo');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${PAIR} [data-action="sched-pick"]`);
    expect((await focused()).action).toBe('sched-undo');
    await page.keyboard.press('Space');
    await page.waitForFunction(
      (sel) => /^Step \d+:/.test(document.querySelector(`${sel} [data-verdict]`)?.textContent ?? ''),
      PAIR,
    );
    expect((await focused()).action).toBe('sched-undo');
    await v.close();
  });

  test('every chapter sets a goal for Be the scheduler and says how to play it', () => {
    const chapters = site.pages().filter((p) => !/^(reference|glossary|playground)\/$/.test(p));
    const missing = chapters.filter((p) => {
      const html = readFileSync(join(DIST, p, 'index.html'), 'utf8');
      return (
        html.includes('<fl-playground') && !(/data-goal="[a-z-]+"/.test(html) && /Be the scheduler<\/em>/.test(html))
      );
    });
    expect(chapters.length).toBeGreaterThan(8);
    expect(missing).toEqual([]);
  });
});
