// The reader's journey through a Playground on a chapter page, in the real Chromium: run, edit, a
// compile error, a runaway program, reload, Reset, Share, Be the scheduler, hostile programs, axe.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { createRequire } from 'node:module';
import {
  openSite,
  type Site,
  type Visit,
  setCode,
  verdict,
  clickRun,
  watchdogBounds,
  TEST_STALL_MS,
} from './harness.ts';
import { decodeSchedule } from '../../sim/explore/schedule.ts';

const CHAPTER = 'the-bug/';
const PAIR = 'fl-playground[data-id="ch1-wrapper-buggy+ch1-wrapper-fixed"]';
// Chapter 1 has no exercise any more: the exercise tests use chapter 2's, on a page with a pair too.
const EXERCISE_PAGE = 'leaking-descriptors/';
const EXERCISE = 'fl-playground[data-id="exercise:ch2-exercise"]';
const OTHER = 'fl-playground[data-id="tst-fork1-r743-2+tst-fork1-r815-2"]';
const FIXED_SOURCE = readFileSync(new URL('../../content/examples/ch1-wrapper-fixed.ts', import.meta.url), 'utf8');

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core on the Playgrounds and BugPictures of the page (the page's other parts have their own tests). */
async function axeOnPlaygrounds(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // @ts-expect-error: axe is the global that axe.min.js defines in the page.
    const result = await window.axe.run(
      { include: [['fl-playground'], ['.bug-picture']] },
      { resultTypes: ['violations'] },
    );
    return (result.violations as { id: string; help: string; nodes: { target: string[] }[] }[]).map(
      (v) =>
        `${v.id}: ${v.help} at ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  });
}

let site: Site;
beforeAll(async () => {
  // PLAYGROUND_DIST lets the Playground's tests run against another build of the site.
  // The TypeScript API's Playground (C's is tests/e2e/playground-c.test.ts).
  site = await openSite({ lang: 'ts', ...(process.env.PLAYGROUND_DIST ? { root: process.env.PLAYGROUND_DIST } : {}) });
});
afterAll(async () => {
  await site?.close();
});

/** Replaces a pane's code in its editor (opening the editor first) as a reader pasting would. */
async function editorText(page: Page, island: string, pane: number): Promise<string> {
  return page.locator(`${island} section[data-pane="${pane}"] .cm-content`).innerText();
}

async function open(path = CHAPTER, hash = ''): Promise<Visit> {
  const v = await site.visit(path + hash);
  await v.page.waitForSelector(`${PAIR}[data-ready]`);
  return v;
}

async function openExercise(hash = ''): Promise<Visit> {
  const v = await site.visit(EXERCISE_PAGE + hash);
  await v.page.waitForSelector(`${EXERCISE}[data-ready]`);
  return v;
}

const program = (body: string) =>
  `import { getpid } from 'forklore';\nexport default function* main() {\n${body}\n  yield* getpid();\n}\n`;

describe('the Playground on a chapter page', () => {
  test('an unedited buggy example deadlocks, with the stuck thread explained and the orphaned lock drawn', async () => {
    const v = await open();
    expect(await v.page.locator(`${PAIR} [data-verdict]`).innerText()).toBe(''); // nothing runs before the reader asks
    await clickRun(v.page, PAIR);
    const text = await verdict(v.page, PAIR);
    expect(text).toMatch(/ch1-wrapper-buggy: Deadlock/);
    expect(text).toMatch(/does not exist in process/);
    expect(text).toMatch(/ch1-wrapper-fixed: No schedule goes wrong/);
    expect(await v.page.locator(`${PAIR} [data-results] .fl-ghost`).count()).toBeGreaterThan(0);
    expect(await v.page.locator(`${PAIR} [data-results] .fl-stuck`).count()).toBeGreaterThan(0);
    // The first Run needed no compiler: the build compiled the example.
    expect(
      await v.page.evaluate(() => performance.getEntriesByType('resource').some((r) => r.name.endsWith('.wasm'))),
    ).toBe(false);
    expect(v.consoleErrors).toEqual([]);
    await v.close();
  });

  test('the newest run wins: a second Run replaces the first, and a run in another Playground waits its turn (ux m10)', async () => {
    const v = await open();
    await clickRun(v.page, PAIR);
    await clickRun(v.page, PAIR);
    expect(await verdict(v.page, PAIR)).toMatch(/ch1-wrapper-buggy: Deadlock/);
    // A program that never yields keeps the sandbox busy until the watchdog stops it; a Run in the
    // other Playground meanwhile waits, says so, and then gets its verdict: neither run is lost.
    await setCode(v.page, PAIR, 0, program('  for (;;) {}'));
    await watchdogBounds(v.page, { stallMs: TEST_STALL_MS });
    await clickRun(v.page, PAIR);
    // Its check has reached the sandbox (compiling the edit comes first).
    await v.page.locator(`${PAIR} [data-running-text]`, { hasText: /^Checking/ }).waitFor();
    await v.page.locator(`${OTHER} [data-action="run"]`).click();
    await v.page
      .locator(`${OTHER} [data-running-text]`, { hasText: 'Waiting for another Playground on this page' })
      .waitFor();
    expect(await verdict(v.page, PAIR, 30_000)).toMatch(/Stopped: a thread kept running without reaching a yield\*/);
    expect(await verdict(v.page, OTHER, 60_000)).toMatch(/tst-fork1-r743-2: Deadlock/);
    expect(await v.page.locator(`${PAIR} [data-verdict]`).innerText()).not.toMatch(/another Playground/);
    await watchdogBounds(v.page);
    await v.close();
  });

  test('the step slider walks the counterexample with the keyboard and highlights the log line', async () => {
    const v = await open();
    await clickRun(v.page, PAIR);
    await verdict(v.page, PAIR);
    const range = v.page.locator(`${PAIR} [data-results] [data-step-range]`).first();
    const max = Number(await range.getAttribute('max'));
    await range.focus();
    await v.page.keyboard.press('Home');
    expect(await range.inputValue()).toBe('0');
    await v.page.keyboard.press('ArrowRight');
    expect(await range.inputValue()).toBe('1');
    expect(await range.getAttribute('aria-valuetext')).toMatch(new RegExp(`^step 1 of ${max}: `));
    await v.page.keyboard.press('End');
    expect(await range.inputValue()).toBe(String(max));
    const log = v.page.locator(`${PAIR} [data-results] [data-log]`).first();
    const lastLine = log.locator('li').last();
    expect(await log.locator('li[aria-current="step"]').count()).toBe(1);
    expect(await lastLine.getAttribute('aria-current')).toBe('step');
    await v.page.keyboard.press('Home');
    expect(await log.locator('li.fl-future').count()).toBeGreaterThan(0);
    expect(await lastLine.getAttribute('aria-current')).toBeNull();
    await v.close();
  });

  test('editing the buggy program into the fix makes it pass, compiled in the browser with visible progress', async () => {
    const v = await open();
    await setCode(v.page, PAIR, 0, FIXED_SOURCE);
    await v.page.keyboard.press('ControlOrMeta+Enter');
    await v.page.waitForFunction(
      (sel) => /compil|Checking/i.test(document.querySelector(`${sel} [data-running-text]`)?.textContent ?? ''),
      PAIR,
    );
    const text = await verdict(v.page, PAIR);
    expect(text).toMatch(/ch1-wrapper-buggy: No schedule goes wrong/);
    await v.close();
  });

  test('a syntax error is marked on its line with the message', async () => {
    const v = await open();
    const broken = FIXED_SOURCE.split('\n');
    broken.splice(4, 0, 'const = ;');
    await setCode(v.page, PAIR, 0, broken.join('\n'));
    await clickRun(v.page, PAIR);
    const text = await verdict(v.page, PAIR);
    expect(text).toMatch(/does not compile/);
    expect(text).toMatch(/Line 5:/);
    const marked = v.page.locator(`${PAIR} section[data-pane="0"] .cm-lintRange-error`);
    await marked.first().waitFor();
    expect(await v.page.locator(`${PAIR} section[data-pane="0"]`).getAttribute('data-error-lines')).toBe('5');
    await v.close();
  });

  test('a runaway program is stopped by the watchdog while the page keeps answering clicks', async () => {
    const v = await openExercise();
    await setCode(v.page, EXERCISE, 0, program('  for (;;) { /* never yields */ }'));
    await clickRun(v.page, EXERCISE);
    await v.page.waitForFunction(
      (sel) => /Checking/.test(document.querySelector(`${sel} [data-running-text]`)?.textContent ?? ''),
      EXERCISE,
      { timeout: 60_000 },
    );
    await v.page.waitForTimeout(300);
    // The page answers: a click opens the hint while the worker spins. How fast it answers is a
    // figure of npm run bench (bench/playground-report.mjs, "a runaway program"), not a test.
    await v.page.click(`${EXERCISE} details summary`);
    expect(await v.page.locator(`${EXERCISE} details`).first().getAttribute('open')).not.toBeNull();
    const text = await verdict(v.page, EXERCISE);
    expect(text).toMatch(/Stopped: a thread kept running without reaching a yield\*/);
    // The one stop that waits out the reader's stall bound: the page sets no shorter one of its own
    // (the other tests of a stop set one, tests/e2e/harness.ts watchdogBounds).
    expect(text).toContain('For 3 s no thread made a library call');
    // A fresh worker answers the next Run.
    await setCode(v.page, EXERCISE, 0, program(''));
    await clickRun(v.page, EXERCISE);
    expect(await verdict(v.page, EXERCISE)).toMatch(/Solved|No schedule goes wrong/);
    await v.close();
  });

  test('an edit survives a reload, and Reset restores the site version', async () => {
    const v = await open();
    const marked = FIXED_SOURCE.replace('// ', '// EDITED BY THE READER ');
    await setCode(v.page, PAIR, 0, marked);
    await v.page.waitForFunction(
      () => Object.keys(localStorage).some((k) => (localStorage.getItem(k) ?? '').includes('EDITED BY THE READER')),
      undefined,
      { timeout: 10_000 },
    );
    await v.page.reload();
    await v.page.waitForSelector(`${PAIR} section[data-pane="0"] .cm-content`);
    expect(await editorText(v.page, PAIR, 0)).toContain('EDITED BY THE READER');
    await v.page.click(`${PAIR} section[data-pane="0"] [data-action="reset"]`);
    expect(await v.page.locator(`${PAIR} section[data-pane="0"] .cm-content`).count()).toBe(0);
    expect(await v.page.locator(`${PAIR} section[data-pane="0"] [data-code]`).isVisible()).toBe(true);
    await v.page.reload();
    await v.page.waitForSelector(`${PAIR}[data-ready]`);
    await v.page.waitForTimeout(300);
    expect(await v.page.locator(`${PAIR} section[data-pane="0"] .cm-content`).count()).toBe(0);
    await v.close();
  });

  test('an edit made against an older version of the example says so and offers both versions', async () => {
    const v = await open();
    await v.page.evaluate(() =>
      localStorage.setItem(
        'forklore:v1:edit:ch1-wrapper-buggy',
        JSON.stringify({ code: '// MY OLD EDIT\n', base: 'an-older-version', savedAt: 0 }),
      ),
    );
    await v.page.reload();
    const stale = v.page.locator(`${PAIR} section[data-pane="0"] [data-stale]`);
    await stale.waitFor();
    expect(await stale.innerText()).toMatch(/changed since you edited it/);
    expect(await editorText(v.page, PAIR, 0)).toContain('MY OLD EDIT');
    await v.page.click(`${PAIR} [data-action="stale-site"]`);
    expect(await stale.isVisible()).toBe(false);
    expect(await v.page.locator(`${PAIR} section[data-pane="0"] [data-code]`).isVisible()).toBe(true);
    await v.close();
  });

  test('a solved exercise is remembered in this browser', async () => {
    const v = await openExercise();
    const badge = v.page.locator(`${EXERCISE} [data-progress-badge]`);
    expect(await badge.innerText()).toMatch(/Not solved/);
    await v.page.click(`${EXERCISE} [data-solution] summary`);
    await v.page.click(`${EXERCISE} [data-action="use-solution"]`);
    await v.page.waitForSelector(`${EXERCISE} section[data-pane="0"] .cm-content`);
    expect(await editorText(v.page, EXERCISE, 0)).toContain('pthread_mutex_init');
    await clickRun(v.page, EXERCISE);
    expect(await verdict(v.page, EXERCISE)).toMatch(/^Solved/);
    expect(await badge.innerText()).toMatch(/Solved in this browser/);
    await v.page.reload();
    await v.page.waitForSelector(`${EXERCISE}[data-ready]`);
    expect(await v.page.locator(`${EXERCISE} [data-progress-badge]`).innerText()).toMatch(/Solved in this browser/);
    await v.close();
  });

  test('Share gives a link that opens the code in a fresh browser and runs it only on Run', async () => {
    const v = await openExercise();
    const code = program('  // SHARED PROGRAM');
    await setCode(v.page, EXERCISE, 0, code);
    await v.page.click(`${EXERCISE} [data-action="share"]`);
    await v.page.waitForFunction((sel) => !!document.querySelector<HTMLElement>(sel)?.dataset.shareUrl, EXERCISE);
    const url = (await v.page.locator(EXERCISE).getAttribute('data-share-url'))!;
    await v.close();
    const hash = url.slice(url.indexOf('#'));
    const fresh = await openExercise(hash);
    await fresh.page.waitForSelector(`${EXERCISE} section[data-pane="0"] .cm-content`);
    expect(await editorText(fresh.page, EXERCISE, 0)).toContain('SHARED PROGRAM');
    expect(await fresh.page.locator(`${EXERCISE} [data-note]`).innerText()).toMatch(/shared link.*has not run/);
    expect(await fresh.page.locator(`${EXERCISE} [data-verdict]`).innerText()).toBe('');
    // The shared code is not saved over the reader's own edits.
    expect(
      await fresh.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('forklore:v1:edit:'))),
    ).toEqual([]);
    await clickRun(fresh.page, EXERCISE);
    expect(await verdict(fresh.page, EXERCISE)).toMatch(/No schedule goes wrong/);
    await fresh.close();
  });

  test('Be the scheduler reaches the deadlock by hand, following the counterexample one choice at a time', async () => {
    const v = await open();
    await clickRun(v.page, PAIR);
    await verdict(v.page, PAIR);
    const schedule = await v.page.locator(`${PAIR} [data-results] [data-left] .fl-pg-sub code`).first().innerText();
    const ids = decodeSchedule(schedule);
    expect(ids.length).toBeGreaterThan(3);
    await v.page.selectOption(`${PAIR} [data-mode]`, 'sched');
    await clickRun(v.page, PAIR);
    await v.page.waitForSelector(`${PAIR} [data-action="sched-pick"]`);
    expect(await v.page.locator(`${PAIR} [data-action="sched-undo"]`).isDisabled()).toBe(true);
    for (const [i, id] of ids.entries()) {
      const choice = v.page.locator(`${PAIR} [data-action="sched-pick"][data-choice="${id}"]`);
      await choice.waitFor({ timeout: 10_000 });
      await choice.click();
      await v.page.waitForFunction(
        ([sel, n]) =>
          new RegExp(`^Step ${n}:|in ${n} steps`).test(
            document.querySelector(`${sel} [data-verdict]`)?.textContent?.trim() ?? '',
          ),
        [PAIR, i + 1] as const,
      );
    }
    expect(await v.page.locator(`${PAIR} [data-verdict]`).innerText()).toMatch(/You scheduled your way to a deadlock/);
    // Why the threads cannot run: the child waits for a lock whose owner is not in its process.
    expect((await v.page.locator(`${PAIR} .fl-pg-cant`).allInnerTexts()).join('\n')).toMatch(
      /cannot run: it waits for .*libc_lock.*does not exist in this process/,
    );
    // Undo steps back one choice and offers threads again.
    await v.page.click(`${PAIR} [data-action="sched-undo"]`);
    await v.page.waitForSelector(`${PAIR} [data-action="sched-pick"]`);
    expect(await v.page.locator(`${PAIR} [data-verdict]`).innerText()).toMatch(new RegExp(`^Step ${ids.length - 1}:`));
    await v.close();
  });

  test('random mode reports how many random schedules went wrong beside the exhaustive answer', async () => {
    const v = await open();
    await v.page.selectOption(`${PAIR} [data-mode]`, 'random');
    await clickRun(v.page, PAIR);
    const text = await verdict(v.page, PAIR);
    expect(text).toMatch(/Random: \d+ of 200 schedules went wrong\. Exhaustive: deadlock/);
    await v.close();
  });
});

describe('every Playground in the guide', () => {
  test('runs its example and reaches the verdict the example file expects, with no console errors', async () => {
    const expectedOf = (name: string) =>
      /export const expected\s*=\s*\{\s*verdict:\s*'([a-z-]+)'/.exec(
        readFileSync(new URL(`../../content/examples/${name}.ts`, import.meta.url), 'utf8'),
      )?.[1];
    const problems: string[] = [];
    let checked = 0;
    for (const path of site.pages()) {
      const v = await site.visit(path);
      const ids = await v.page.$$eval('fl-playground', (els) => els.map((e) => (e as HTMLElement).dataset.id!));
      for (const id of ids) {
        const sel = `fl-playground[data-id="${id}"]`;
        const names = await v.page.$$eval(`${sel} section[data-pane]`, (els) =>
          els.map((e) => (e as HTMLElement).dataset.name ?? ''),
        );
        // A click before the island is ready would go nowhere (nothing listens yet).
        await v.page.waitForSelector(`${sel}[data-ready]`);
        await clickRun(v.page, sel);
        await verdict(v.page, sel, 60_000);
        const got = ((await v.page.locator(`${sel} [data-verdict]`).getAttribute('data-verdicts')) ?? '').split(' ');
        names.forEach((name, i) => {
          const want = name ? expectedOf(name) : undefined;
          if (want && got[i] !== want)
            problems.push(`/${path} ${name}: expected ${want}, the Playground says ${got[i] || '(nothing)'}`);
        });
        checked++;
      }
      if (v.consoleErrors.length) problems.push(`/${path}: ${v.consoleErrors.join('; ')}`);
      await v.close();
    }
    expect(checked).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  }, 600_000);
});

describe('long searches and pages without JavaScript', () => {
  const BUSY = `import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock } from 'forklore';
const m = mutex('m');
const n = mutex('n');
function* w() {
  for (let i = 0; i < 4; i++) {
    yield* pthread_mutex_lock(m);
    yield* pthread_mutex_unlock(m);
    yield* pthread_mutex_lock(n);
    yield* pthread_mutex_unlock(n);
  }
}
export default function* main() {
  const ts: number[] = [];
  for (let i = 0; i < 6; i++) ts.push(yield* pthread_create(w));
  for (const t of ts) yield* pthread_join(t);
}
`;

  test('a long search shows live progress and can be cancelled', async () => {
    const v = await openExercise();
    await setCode(v.page, EXERCISE, 0, BUSY);
    await clickRun(v.page, EXERCISE);
    await v.page.waitForFunction(
      (sel) => /\d+ executions/.test(document.querySelector(`${sel} [data-running-text]`)?.textContent ?? ''),
      EXERCISE,
      { timeout: 60_000 },
    );
    const first = await v.page.locator(`${EXERCISE} [data-running-text]`).innerText();
    await v.page.waitForFunction(
      ([sel, was]) => (document.querySelector(`${sel} [data-running-text]`)?.textContent ?? was) !== was,
      [EXERCISE, first] as const,
      { timeout: 10_000 },
    );
    await v.page.click(`${EXERCISE} [data-action="cancel"]`);
    expect(await verdict(v.page, EXERCISE)).toMatch(/Cancelled/);
    await v.close();
  });

  test('without JavaScript the code reads in full and no dead control shows', async () => {
    const v = await site.visit(CHAPTER, { context: { javaScriptEnabled: false } });
    // The C listing, the reader's default (the TypeScript one needs the switch, which needs JavaScript).
    const code = v.page.locator(`${PAIR} section[data-pane="0"] [data-code] pre:visible`);
    expect(await code.count()).toBe(1);
    expect(await code.innerText()).toContain('int main(void)');
    expect(await v.page.locator(`${PAIR} button:visible`).count()).toBe(0);
    await v.close();
  });
});

describe('hostile programs from a shared link', () => {
  const hostile: [string, string, RegExp][] = [
    ['fetch', "  fetch('/secret-from-sandbox?leak=1');", /no network/],
    [
      'localStorage',
      "  const saved = localStorage.getItem('forklore:v1:edit:ch1-wrapper-buggy');",
      /no storage|localStorage is not defined/,
    ],
    ['indexedDB', "  indexedDB.open('forklore');", /storage|SecurityError|denied/],
    ['importScripts', "  importScripts('/secret-from-sandbox.js');", /no network|refused|importScripts/],
    ['the DOM', "  document.body.setAttribute('data-owned', '');", /no page to touch|document is not defined/],
    ['the parent page', "  parent.document.body.setAttribute('data-owned', '');", /no page to touch|not defined/],
  ];
  // One page for all of them: each Run gets a fresh worker, and what one program leaves behind not
  // reaching the next is tests/e2e/containment.test.ts's to show.
  let v: Visit;
  let title = '';
  beforeAll(async () => {
    v = await openExercise();
    await v.page.evaluate(() =>
      localStorage.setItem(
        'forklore:v1:edit:some-other-example',
        JSON.stringify({ code: 'secret', base: 'x', savedAt: 0 }),
      ),
    );
    title = await v.page.title();
  });
  afterAll(async () => {
    await v?.close();
  });
  for (const [what, body, expected] of hostile) {
    test(`a program that tries ${what} fails harmlessly and the reader sees why`, async () => {
      const requests: string[] = [];
      const onRequest = (r: { url(): string }) => requests.push(r.url());
      v.context.on('request', onRequest);
      try {
        await setCode(v.page, EXERCISE, 0, program(body));
        await clickRun(v.page, EXERCISE);
        await verdict(v.page, EXERCISE);
        await v.page.waitForFunction(
          ([sel, re]) => new RegExp(re).test(document.querySelector(`${sel} [data-verdict]`)?.textContent ?? ''),
          [EXERCISE, expected.source] as const,
          { timeout: 5000 },
        );
        expect(await v.page.title()).toBe(title);
        expect(await v.page.evaluate(() => document.body.hasAttribute('data-owned'))).toBe(false);
        // The page's own storage still holds what it held: the program could not reach it.
        expect(await v.page.evaluate(() => localStorage.getItem('forklore:v1:edit:some-other-example'))).toContain(
          'secret',
        );
        expect(requests.filter((u) => u.includes('secret-from-sandbox'))).toEqual([]);
      } finally {
        v.context.off('request', onRequest);
      }
    });
  }
});

describe('forged replies', () => {
  test('a program that posts its own results with markup in them cannot run script in the page', async () => {
    const v = await openExercise();
    const forge = `  const evil = '<img src=x onerror="document.body.setAttribute(\\'data-owned\\', \\'\\')">';
  for (let id = 1; id < 200; id++) (self as any).postMessage({ type: 'result', id, log: [{ step: evil, text: evil }], report: {
    verdict: 'deadlock', completeness: { complete: false, stoppedBy: evil }, notes: [evil], strategy: 'dpor',
    stats: { executions: evil, distinctOutcomes: evil, elapsedMs: 1 },
    findings: [{ kind: 'deadlock', message: evil, schedule: evil, stuck: [{ pid: evil, tid: evil, waitsFor: { kind: evil }, sentence: evil }],
      trace: [{ type: 'mutex.lock', step: 0, pid: evil, tid: evil, time: 0, lock: { addr: evil, name: evil, kind: evil }, word: 1 }] }] } });`;
    await setCode(v.page, EXERCISE, 0, program(forge));
    await clickRun(v.page, EXERCISE);
    await verdict(v.page, EXERCISE);
    await v.page.waitForTimeout(500);
    expect(await v.page.evaluate(() => document.body.hasAttribute('data-owned'))).toBe(false);
    expect(await v.page.locator(`${EXERCISE} img`).count()).toBe(0);
    await v.close();
  });
});

describe('accessibility', () => {
  for (const colorScheme of ['light', 'dark'] as const)
    test(`a chapter page with Playgrounds has no axe-core violations, before and after a run (${colorScheme})`, async () => {
      const v = await site.visit(CHAPTER, { context: { colorScheme } });
      await v.page.waitForSelector(`${PAIR}[data-ready]`);
      expect(await axeOnPlaygrounds(v.page)).toEqual([]);
      await clickRun(v.page, PAIR);
      await verdict(v.page, PAIR);
      expect(await axeOnPlaygrounds(v.page)).toEqual([]);
      await v.close();
    });

  test('Run works from the keyboard alone and the verdict lands in a live region', async () => {
    const v = await open();
    await v.page.focus(`${PAIR} [data-action="run"]`);
    await v.page.keyboard.press('Enter');
    await verdict(v.page, PAIR);
    const live = v.page.locator(`${PAIR} [data-verdict]`);
    expect(await live.getAttribute('role')).toBe('status');
    expect(await live.getAttribute('aria-live')).toBe('polite');
    await v.close();
  });
});
