// The Playground's results as a reader meets them after changing the program, in the real Chromium:
// every caption, timeline and sentence on screen belongs to the run that drew it (ux review M5, m2).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openSite, DIST, type Site, type Visit, setCode, verdict } from './harness.ts';

const PAIR = 'fl-playground[data-id="ch1-wrapper-buggy+ch1-wrapper-fixed"]';
const LEAK = 'fl-playground[data-id="ch2-leak-buggy+ch2-leak-fixed"]';
const FIXED_SOURCE = readFileSync(new URL('../../content/examples/ch1-wrapper-fixed.ts', import.meta.url), 'utf8');

let site: Site;
beforeAll(async () => {
  site = await openSite({ lang: 'ts', ...(process.env.PLAYGROUND_DIST ? { root: process.env.PLAYGROUND_DIST } : {}) });
});
afterAll(async () => {
  await site?.close();
});

async function open(path: string, island: string): Promise<Visit> {
  const v = await site.visit(path);
  await v.page.waitForSelector(`${island}[data-ready]`);
  return v;
}

/** Replaces a pane's code in its editor (opening the editor first) as a reader pasting would. */
const captions = (page: Page, island: string) => page.locator(`${island} [data-results] .fl-pg-sub`).allInnerTexts();

describe('results that belong to their run', () => {
  test('the schedule is narrated with the lock fork copies; an edit into the fix recaptions the trace; a watchdog stop leaves nothing of it', async () => {
    const v = await open('the-bug/', PAIR);
    const { page } = v;
    await page.click(`${PAIR} [data-action="run"]`);
    expect(await verdict(page, PAIR)).toMatch(/ch1-wrapper-buggy: Deadlock/);
    expect((await captions(page, PAIR))[0]).toMatch(/^ch1-wrapper-buggy: the schedule that goes wrong/);
    // Explain this schedule says who holds what when main forks.
    const explained = await page.locator(`${PAIR} [data-left] [data-explain] li`).allTextContents();
    expect(explained.join('\n')).toMatch(
      /calls _Fork while thread 1001 holds libc_lock: process 1002 gets that lock still locked, by a thread it does not have/,
    );

    // The reader repairs the buggy program: the trace under it is no longer "the schedule that goes wrong".
    await setCode(page, PAIR, 0, FIXED_SOURCE);
    await page.keyboard.press('ControlOrMeta+Enter');
    expect(await verdict(page, PAIR, 90_000)).toMatch(/ch1-wrapper-buggy: No schedule goes wrong/);
    const now = await captions(page, PAIR);
    expect(now[0]).toMatch(/^ch1-wrapper-buggy: one schedule/);
    expect(now.join('\n')).not.toMatch(/goes wrong|the same schedule/);
    expect(await page.locator(`${PAIR} [data-results] svg.fl-timeline`).count()).toBe(2);

    // Then a loop that never yields: the watchdog stops it, and the last run's traces go with it.
    await setCode(
      page,
      PAIR,
      0,
      "import { getpid } from 'forklore';\nexport default function* main() {\n  for (;;) {}\n  yield* getpid();\n}\n",
    );
    await page.keyboard.press('ControlOrMeta+Enter');
    expect(await verdict(page, PAIR, 60_000)).toMatch(/^Stopped/);
    expect(await page.locator(`${PAIR} [data-results]`).innerHTML()).toBe('');
    expect(await page.locator(`${PAIR} .fl-at`).count()).toBe(0);
    await v.close();
  });

  test('random mode names the exhaustive answer in words, not by its code', async () => {
    const v = await open('leaking-descriptors/', LEAK);
    const { page } = v;
    await page.selectOption(`${LEAK} [data-mode]`, 'random');
    await page.click(`${LEAK} [data-action="run"]`);
    const text = await verdict(page, LEAK, 60_000);
    expect(text).toMatch(/Random: \d+ of 200 schedules went wrong\. Exhaustive: a file descriptor leaks\./);
    expect(text).not.toMatch(/fd-leak/);
    await v.close();
  });
});

describe('what the chapters say about the controls', () => {
  test('every "set Mode to X" names a mode the Playground offers, and chapter 7 gives the random batch the Playground runs', async () => {
    // Each mode the prose tells the reader to pick is an option of the Mode menu, by its label.
    const v = await open('testing-a-heisenbug/', 'fl-playground[data-id="ch7-rare-buggy+ch7-rare-fixed"]');
    const { page } = v;
    const ISL = 'fl-playground[data-id="ch7-rare-buggy+ch7-rare-fixed"]';
    const labels = await page.$$eval(`${ISL} [data-mode] option`, (os) => os.map((o) => o.textContent.trim()));
    const told = site
      .pages()
      .flatMap((p) => [
        ...readFileSync(join(process.env.PLAYGROUND_DIST ?? DIST, p, 'index.html'), 'utf8').matchAll(
          /Mode to <em>([^<]+)<\/em>/gi,
        ),
      ])
      .map((m) => m[1]!);
    expect(told.length).toBeGreaterThan(3);
    for (const mode of told) expect(labels).toContain(mode);
    // The chapter's sentence after this Playground: the batch size it names is the one the Playground runs.
    const said = await page.$eval(ISL, (el) => {
      let n: Element | null = el.closest('fl-playground');
      while (n && !/random schedules/.test(n.textContent ?? '')) n = n.nextElementSibling;
      return n?.textContent ?? '';
    });
    const batch = /runs (\d+) random schedules/.exec(said)?.[1];
    expect(batch).toBeDefined();
    await page.selectOption(`${ISL} [data-mode]`, 'random');
    await page.click(`${ISL} [data-action="run"]`);
    expect(await verdict(page, ISL, 60_000)).toMatch(new RegExp(`^Random: \\d+ of ${batch} schedules went wrong`));
    await v.close();
  });
});

describe('exercise progress', () => {
  test('a solved exercise leads to the next one, and the Playground page lists every exercise with what is solved', async () => {
    const EX = 'fl-playground[data-id="exercise:ch2-exercise"]';
    const context = await site.browser.newContext();
    try {
      const listed = async () => {
        const page = await context.newPage();
        await page.goto(site.url('playground/'));
        await page.waitForSelector('[data-exercise-progress] [data-exercise-item][data-solved]');
        const items = await page.$$eval('[data-exercise-item]', (lis) =>
          lis.map((li) => ({
            id: (li as HTMLElement).dataset.exerciseItem,
            solved: (li as HTMLElement).dataset.solved,
            href: li.querySelector('a')!.getAttribute('href'),
          })),
        );
        const summary = await page.locator('[data-exercise-summary]').innerText();
        const next = await page.locator('[data-next-exercise]').getAttribute('href');
        await page.close();
        return { items, summary, next };
      };
      const before = await listed();
      // Every <Exercise> of the chapters, in reading order, each linking to its Playground.
      expect(before.items.length).toBeGreaterThanOrEqual(9);
      expect(before.items[0]).toMatchObject({ id: 'exercise:ch2-exercise', solved: 'false' });
      expect(before.items[0]!.href).toMatch(/leaking-descriptors\/#exercise-ch2-exercise$/);
      expect(before.summary).toMatch(new RegExp(`^You have solved 0 of ${before.items.length} exercises`));
      expect(before.next).toBe(before.items[0]!.href);

      // Solve the first exercise with its solution: the way to the next exercise appears.
      const page = await context.newPage();
      await page.goto(site.url('leaking-descriptors/'));
      await page.waitForSelector(`${EX}[data-ready]`);
      expect(await page.locator(`${EX} [data-next-exercise]`).isVisible()).toBe(false);
      await page.click(`${EX} [data-solution] summary`);
      await page.click(`${EX} [data-action="use-solution"]`);
      await page.click(`${EX} [data-action="run"]`);
      expect(await verdict(page, EX, 90_000)).toMatch(/^Solved/);
      const nextLink = page.locator(`${EX} [data-next-exercise] a`).first();
      expect(await nextLink.isVisible()).toBe(true);
      expect(await nextLink.getAttribute('href')).toBe(before.items[1]!.href);
      // The anchor is the next exercise's Playground.
      await nextLink.click();
      await page.waitForURL(/#exercise-/);
      expect(await page.evaluate(() => document.getElementById(location.hash.slice(1))?.getAttribute('data-id'))).toBe(
        before.items[1]!.id,
      );
      await page.close();

      const after = await listed();
      expect(after.items[0]!.solved).toBe('true');
      expect(after.items.slice(1).every((x) => x.solved === 'false')).toBe(true);
      expect(after.summary).toMatch(new RegExp(`^You have solved 1 of ${after.items.length} exercises`));
      expect(after.next).toBe(before.items[1]!.href);
    } finally {
      await context.close();
    }
  });
});
