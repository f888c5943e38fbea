// End-to-end harness: serves a built site on 127.0.0.1 and drives the system Chromium, recording what went wrong per page.
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
  type Request,
  type Response,
} from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// A plain .mjs module, shared with `npm start`.
import { listPages as listBuiltPages, normaliseBase, startStaticServer } from '../../scripts/static-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.mjs';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** The built site under test: dist/, or the folder named by DIST. */
export const DIST = process.env.DIST ?? fileURLToPath(new URL('../../dist/', import.meta.url));

/** One visit to one page, with everything that went wrong while it loaded and ran. */
export interface Visit {
  page: Page;
  context: BrowserContext;
  /** The response to the navigation itself (null for same-document navigations). */
  response: Response | null;
  /** console.error messages and uncaught exceptions, in order. */
  consoleErrors: string[];
  /** Requests that failed at the network level or were answered with status >= 400. */
  failedRequests: string[];
  /** Closes the page and its context. */
  close(): Promise<void>;
}

export interface VisitOptions {
  /** Options for the fresh browser context (viewport, colorScheme, javaScriptEnabled, …). */
  context?: BrowserContextOptions;
  /** Navigation wait condition; 'load' by default. */
  waitUntil?: 'load' | 'domcontentloaded' | 'networkidle';
  /** URLs (full) whose status >= 400 is expected, e.g. the page itself when testing the 404 page. */
  allowStatus?: (url: string, status: number) => boolean;
}

export interface Site {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The base path the site is mounted under: '/' or '/sub/'. */
  base: string;
  /** The absolute URL of a site path given without the base ('the-bug/' or '/the-bug/'). */
  url(path?: string): string;
  browser: Browser;
  /** Every built page as a site path without the base ('', 'the-bug/', …), 404 excluded. */
  pages(): string[];
  /** Opens a page in a fresh context and records console errors and failed requests. */
  visit(path: string, options?: VisitOptions): Promise<Visit>;
  /** Stops the browser and the server. */
  close(): Promise<void>;
}

/** Lists the built pages of `root` as site paths without the base ('', 'the-bug/', …), 404 excluded. */
export function listPages(root: string = DIST): string[] {
  return listBuiltPages(root);
}

/**
 * Fails early, with the fix in the message, when `root` holds no build or a build made for another
 * base path (every asset would 404 and every test would fail for a reason that is not theirs).
 */
function assertBuilt(root: string, base: string) {
  const landing = join(root, 'index.html');
  if (!existsSync(landing)) {
    throw new Error(`${landing} does not exist: build the site first (npm run build).`);
  }
  const html = readFileSync(landing, 'utf8');
  const favicon =
    /<link[^>]*rel="shortcut icon"[^>]*href="([^"]*)"/.exec(html) ??
    /<link[^>]*href="([^"]*)"[^>]*rel="shortcut icon"/.exec(html);
  const faviconHref = favicon?.[1];
  if (faviconHref !== undefined && !faviconHref.startsWith(base)) {
    throw new Error(
      `${root} was built for another base path (its favicon is at ${faviconHref}, the tests expect ${base}). ` +
        `Rebuild with BASE_PATH=${base} npm run build, or run the tests with the BASE_PATH the site was built with.`,
    );
  }
}

/** Records console errors, page errors and failed requests of a page into `visit`. */
export function track(page: Page, options: Pick<VisitOptions, 'allowStatus'> = {}) {
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Chromium also logs every >= 400 response as a console error; an expected one is not an error.
    const status = /status of (\d{3})/.exec(msg.text());
    if (
      status &&
      msg.text().startsWith('Failed to load resource') &&
      options.allowStatus?.(msg.location().url, Number(status[1]))
    )
      return;
    consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  // A navigation the test started (goto, reload, a click on a link) cancels what the document it
  // leaves still had in flight, a prefetch of the very page it goes to included: such a request was
  // aborted, it did not fail. `navigations` counts the main frame's navigations (its navigation
  // requests and its commits, since a navigation a prefetch serves makes no request of its own); an
  // abort is left out once a navigation came after the request started, even if it comes after the abort.
  let navigations = 0;
  const startedAt = new WeakMap<Request, number>();
  /** Aborts recorded before any navigation came after them: left out if one comes. */
  const aborts: string[] = [];
  const navigated = () => {
    navigations++;
    for (const entry of aborts.splice(0)) {
      const i = failedRequests.indexOf(entry);
      if (i >= 0) failedRequests.splice(i, 1);
    }
  };
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) navigated();
    startedAt.set(request, navigations);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigated();
  });
  page.on('requestfailed', (request) => {
    // A blob: or data: URL never reaches the server: its "failure" is a worker script read after
    // the page revoked it or replaced the worker, not a missing file.
    if (/^(blob|data):/.test(request.url())) return;
    const error = request.failure()?.errorText ?? 'failed';
    const started = startedAt.get(request) ?? navigations;
    if (error === 'net::ERR_ABORTED' && started < navigations) return;
    const entry = `${request.url()}: ${error}`;
    failedRequests.push(entry);
    if (error === 'net::ERR_ABORTED') aborts.push(entry);
  });
  page.on('response', (response) => {
    const status = response.status();
    if (status >= 400 && !options.allowStatus?.(response.url(), status)) {
      failedRequests.push(`${response.url()}: HTTP ${status}`);
    }
  });
  return { consoleErrors, failedRequests };
}

/**
 * Serves `root` (dist/ by default) under `base` (BASE_PATH by default) on an ephemeral port of
 * 127.0.0.1 and launches Chromium. Call close() in afterAll.
 */
export async function openSite(options: { root?: string; base?: string; lang?: 'ts' } = {}): Promise<Site> {
  const root = options.root ?? DIST;
  assertBuilt(root, normaliseBase(options.base ?? process.env.BASE_PATH));
  const server = await startStaticServer({
    root,
    base: options.base ?? process.env.BASE_PATH,
    host: '127.0.0.1',
    port: 0,
  });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  } catch (error) {
    await server.close();
    throw error;
  }
  if (options.lang === 'ts') {
    // Tests of the TypeScript API: every context starts with the reader's choice of TypeScript (the
    // Playground's own C | TypeScript switch, kept in localStorage), which a test may still change.
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (o?: BrowserContextOptions) => {
      const c = await newContext(o);
      await c.addInitScript(() => {
        try {
          if (localStorage.getItem('forklore:v1:lang') === null) localStorage.setItem('forklore:v1:lang', 'ts');
        } catch {
          // an opaque-origin frame (the Playground's sandbox) has no storage
        }
      });
      return c;
    };
  }
  const base: string = server.base;
  const url = (path = '') => server.origin + base + path.replace(/^\/+/, '');
  return {
    origin: server.origin,
    base,
    url,
    browser,
    pages: () => listPages(root),
    async visit(path, visitOptions = {}) {
      const context = await browser.newContext(visitOptions.context);
      const page = await context.newPage();
      const { consoleErrors, failedRequests } = track(page, visitOptions);
      const response = await page.goto(url(path), { waitUntil: visitOptions.waitUntil ?? 'load' });
      return { page, context, response, consoleErrors, failedRequests, close: () => context.close() };
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

export { normaliseBase };

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** A violation reported by axe-core, reduced to what a failing test should print. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core on the page as it is now and returns its violations (all rules axe enables by default). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    // @ts-expect-error: axe is the global that axe.min.js defines in the page.
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return (
      result.violations as Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[] }>;
      }>
    ).map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** A link or asset reference that did not resolve, with the page it was found on. */
export interface BrokenLink {
  from: string;
  to: string;
  problem: string;
}

const REFERENCE = /<(a|link|script|img|source|iframe)\b[^>]*?\s(href|src)="([^"]*)"/gi;

function decodeEntities(value: string): string {
  return value
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/**
 * Crawls the served site from the given start paths (every built page by default) over HTTP and
 * checks every internal href/src: it must answer 200, stay under the base path, and a #fragment
 * must name an id on the target page. External links are not fetched (there is no network).
 */
export async function crawlLinks(
  site: Site,
  start: string[] = site.pages(),
): Promise<{ checked: number; broken: BrokenLink[] }> {
  const broken: BrokenLink[] = [];
  const html = new Map<string, Promise<{ status: number; body: string; type: string }>>();
  const fetchOnce = (url: string) => {
    let got = html.get(url);
    if (!got) {
      got = fetch(url, { redirect: 'follow' }).then(async (r) => ({
        status: r.status,
        type: r.headers.get('content-type') ?? '',
        body: (r.headers.get('content-type') ?? '').startsWith('text/html')
          ? await r.text()
          : (await r.arrayBuffer(), ''),
      }));
      html.set(url, got);
    }
    return got;
  };
  const queue = start.map((p) => site.url(p));
  const seen = new Set<string>(queue);
  while (queue.length > 0) {
    const pageUrl = queue.shift()!;
    const page = await fetchOnce(pageUrl);
    if (page.status !== 200) {
      broken.push({ from: '(start)', to: pageUrl, problem: `HTTP ${page.status}` });
      continue;
    }
    for (const match of page.body.matchAll(REFERENCE)) {
      const raw = decodeEntities(match[3] ?? '');
      if (raw === '' || /^(mailto|tel|javascript|data):/i.test(raw)) continue;
      const target = new URL(raw, pageUrl);
      if (target.origin !== site.origin) continue;
      const from = pageUrl.slice(site.origin.length);
      if (!target.pathname.startsWith(site.base)) {
        broken.push({ from, to: raw, problem: `outside the base path ${site.base}` });
        continue;
      }
      const doc = target.origin + target.pathname + target.search;
      const result = await fetchOnce(doc);
      if (result.status !== 200) {
        broken.push({ from, to: raw, problem: `HTTP ${result.status}` });
        continue;
      }
      if (target.hash && result.type.startsWith('text/html')) {
        const id = decodeURIComponent(target.hash.slice(1));
        if (!result.body.includes(`id="${id}"`)) broken.push({ from, to: raw, problem: `no element with id "${id}"` });
      }
      if (result.type.startsWith('text/html') && !seen.has(doc)) {
        seen.add(doc);
        queue.push(doc);
      }
    }
  }
  return { checked: html.size, broken };
}

/**
 * Clicks the island's Run (or another action), first marking the verdict now on screen, so that
 * verdict() waits for the verdict of this click: the Playground starts a run a moment after the
 * click (its controller loads first), and until then the last run's verdict is still there, done.
 */
export async function clickRun(page: Page, island: string, action = 'run'): Promise<void> {
  await page.evaluate((sel) => {
    const v = document.querySelector(`${sel} [data-verdict]`);
    if (!v || v.querySelector('[data-before-click]')) return;
    const mark = document.createElement('i');
    mark.hidden = true;
    mark.dataset.beforeClick = '';
    v.append(mark);
  }, island);
  await page.click(`${island} [data-action="${action}"]`);
}

/**
 * Waits until the island has a verdict and is no longer running; returns the verdict's text. After
 * clickRun, the verdict on screen before the click does not count: only one that replaced it.
 */
export async function verdict(page: Page, island: string, timeout = 30_000): Promise<string> {
  await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      const v = el?.querySelector('[data-verdict]');
      return (
        !!v &&
        !v.querySelector('[data-before-click]') &&
        (v.textContent ?? '').length > 0 &&
        el!.querySelector('[data-running]')!.hasAttribute('hidden')
      );
    },
    island,
    { timeout },
  );
  return page.locator(`${island} [data-verdict]`).innerText();
}

/**
 * Replaces the program of one pane as a reader would (Edit, click, select all, paste), and waits
 * until the editor holds it. On a loaded machine a paste can land before the editor has focus and
 * go nowhere; then the Run that follows would check the site's program, not this one.
 */
export async function setCode(page: Page, island: string, pane: number, code: string): Promise<void> {
  const section = page.locator(`${island} section[data-pane="${pane}"]`);
  const edit = section.locator('[data-action="edit"]');
  if (await edit.isVisible()) await edit.click();
  const content = section.locator('.cm-content');
  await content.waitFor();
  const want = code.replace(/\s+/g, '');
  for (let attempt = 0; ; attempt++) {
    await content.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText(code);
    try {
      await page.waitForFunction(
        ([sel, w]) => (document.querySelector(sel)?.textContent ?? '').replace(/\s+/g, '') === w,
        [`${island} section[data-pane="${pane}"] .cm-content`, want] as const,
        { timeout: 5000 },
      );
      return;
    } catch (e) {
      if (attempt >= 2)
        throw new Error(`the editor of pane ${pane} in ${island} did not take the new program`, { cause: e });
    }
  }
}

/**
 * Sets the watchdog's bounds on this page to shorter ones than a reader's (host.ts reads
 * `window.forkloreStallMs` and `forkloreRequestMs` at each Run), so that a test of a stop does not
 * wait out 3 s or 12 s; with no bounds given, the page has the reader's bounds again.
 */
export async function watchdogBounds(page: Page, bounds: { stallMs?: number; requestMs?: number } = {}) {
  await page.evaluate((b) => {
    const w = window as { forkloreStallMs?: number; forkloreRequestMs?: number };
    delete w.forkloreStallMs;
    delete w.forkloreRequestMs;
    if (b.stallMs !== undefined) w.forkloreStallMs = b.stallMs;
    if (b.requestMs !== undefined) w.forkloreRequestMs = b.requestMs;
  }, bounds);
}

/**
 * The stall bound tests of a stall set (watchdogBounds): two thirds of a reader's 3 s. Not less: on a
 * loaded machine a fresh worker can take over a second to load before its first word, and a shorter
 * bound would call that silence ("the sandbox did not answer at all") whatever the program does.
 */
export const TEST_STALL_MS = 2000;
