// Each chapter's first buggy example offers "Reproduce on Linux" on the page: a link to a C file written at
// build time (scripts/build-repro.mjs, `forklore reproduce` on the example's C twin) that is in the built
// site, compiles with gcc alone, hangs when run, and is what a reader's click downloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, openSite, type Site } from './harness.ts';
import { buildWatchdog, parseHeader, runReal } from '../reality/lib.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONTENT = join(ROOT, 'content');

interface Chapter {
  page: string;
  /** The site path of its built page. */
  html: string;
  /** Its first Playground example that deadlocks and runs here (a C twin without a skip line). */
  example?: string;
}

/** The chapters (order below 100) and, for each, the example its download must be for. */
function chapters(): Chapter[] {
  const out: Chapter[] = [];
  for (const f of readdirSync(CONTENT).filter((x) => x.endsWith('.mdx'))) {
    const text = readFileSync(join(CONTENT, f), 'utf8');
    const order = Number(/^order:\s*(\d+)/m.exec(text)?.[1] ?? 1000);
    if (order >= 100) continue;
    const page = f.replace(/\.mdx$/, '');
    const example = [...text.matchAll(/<Playground\s+example="([a-z0-9-]+)"/g)]
      .map((m) => m[1]!)
      .find((name) => {
        const c = join(CONTENT, 'examples', `${name}.c`);
        if (!existsSync(c)) return false;
        const h = parseHeader(readFileSync(c, 'utf8'));
        return h.forklore.expect === 'deadlock' && h.real.skip === undefined;
      });
    out.push({ page, html: join(DIST, page === 'index' ? '' : page, 'index.html'), ...(example ? { example } : {}) });
  }
  return out.sort((a, b) => a.page.localeCompare(b.page));
}

const built = existsSync(join(DIST, 'index.html'));
const dir = mkdtempSync(join(tmpdir(), 'forklore-chapter-repro-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!built)('the chapters offer the forced replay of their first buggy example', () => {
  let watchdog = '';
  beforeAll(async () => {
    watchdog = await buildWatchdog(dir);
  }, 60_000);

  it('at least the chapters with a deadlock example that runs here have one', () => {
    expect(chapters().filter((c) => c.example).length).toBeGreaterThanOrEqual(8);
  });

  for (const ch of chapters()) {
    it(`${ch.page}: ${ch.example ? `offers ${ch.example}-repro.c, which is in the site, compiles with gcc alone and hangs` : 'has no deadlock example with a C twin, and no download'}`, async () => {
      const html = readFileSync(ch.html, 'utf8');
      const links = [...html.matchAll(/data-reproduce-download="([^"]+)"/g)].map((m) => m[1]);
      if (!ch.example) {
        expect(links).toEqual([]);
        return;
      }
      expect(links, 'one download, for the first buggy example').toEqual([ch.example]);
      // After that example's Playground on the page.
      expect(html.indexOf(`data-name="${ch.example}"`)).toBeGreaterThan(-1);
      expect(html.indexOf('data-reproduce-download')).toBeGreaterThan(html.indexOf(`data-name="${ch.example}"`));
      const href = new RegExp(`href="[^"]*/repro/${ch.example}-repro\\.c" download="${ch.example}-repro\\.c"`);
      expect(html).toMatch(href);
      const file = join(DIST, 'repro', `${ch.example}-repro.c`);
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(new RegExp(`^// A forced replay of ${ch.example}\\.c`));
      expect(text).not.toMatch(/^#\s*include\s+"forklore/m);
      expect(text, 'every decisive step forced').not.toMatch(/^\/\/ Not forced/m);
      // gcc alone, in a directory with nothing else.
      const src = join(dir, `${ch.example}-repro.c`);
      writeFileSync(src, text);
      const bin = join(dir, ch.example);
      execFileSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', bin, src], { cwd: dir });
      const r = await runReal(watchdog, bin, { forklore: {}, real: { runs: 1, timeoutMs: 3000 } }, dir);
      expect(r.hangs, JSON.stringify(r.runs)).toBe(1);
    }, 60_000);
  }
});

describe.skipIf(!built)('a reader clicks Reproduce on Linux', () => {
  let site: Site;
  beforeAll(async () => {
    site = await openSite();
  });
  afterAll(async () => {
    await site?.close();
  });

  it('the-bug: the browser downloads ch1-wrapper-buggy-repro.c, the file in the site', async () => {
    const v = await site.visit('the-bug/');
    try {
      const [download] = await Promise.all([
        v.page.waitForEvent('download'),
        v.page.click('[data-reproduce-download="ch1-wrapper-buggy"] a'),
      ]);
      expect(download.suggestedFilename()).toBe('ch1-wrapper-buggy-repro.c');
      const saved = join(dir, 'downloaded.c');
      await download.saveAs(saved);
      expect(readFileSync(saved, 'utf8')).toBe(readFileSync(join(DIST, 'repro', 'ch1-wrapper-buggy-repro.c'), 'utf8'));
      expect(v.failedRequests).toEqual([]);
    } finally {
      await v.close();
    }
  });
});
