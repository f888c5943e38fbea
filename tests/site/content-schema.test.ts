// Chapter frontmatter is validated: a bad field or a missing example fails the build, naming the file and field.
import { afterEach, describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ASTRO = join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');
const fixtures: string[] = [];

afterEach(() => {
  for (const dir of fixtures.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Makes a small Starlight project inside the repository (so node_modules resolves) with the real
 * src/content.config.ts, the given pages and one example program, and runs `astro sync`, which
 * loads and validates the content collection exactly as `astro build` does, without rendering.
 */
async function syncWith(pages: Record<string, string>): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(ROOT, '.content-fixture-'));
  fixtures.push(dir);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'content', 'examples'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  writeFileSync(
    join(dir, 'astro.config.mjs'),
    "import { defineConfig } from 'astro/config';\nimport starlight from '@astrojs/starlight';\n" +
      "export default defineConfig({ integrations: [starlight({ title: 'Fixture' })] });\n",
  );
  copyFileSync(join(ROOT, 'src', 'content.config.ts'), join(dir, 'src', 'content.config.ts'));
  writeFileSync(join(dir, 'content', 'examples', 'real-example.ts'), 'export default function* main() {}\n');
  for (const [name, text] of Object.entries(pages)) writeFileSync(join(dir, 'content', name), text);
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
  for (const key of ['NODE_ENV', 'MODE', 'BASE_URL', 'TEST', 'VITEST']) delete env[key];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [ASTRO, 'sync'], {
      cwd: dir,
      env,
      maxBuffer: 16 << 20,
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const page = (front: string) => `---\n${front}\n---\n\nSome text.\n`;
const VALID = page('title: A chapter\norder: 1\nsummary: What it teaches.\nexamples:\n  - real-example');

describe('the docs collection', () => {
  test('accepts a chapter with title, order, summary and existing examples', async () => {
    const result = await syncWith({ 'chapter.mdx': VALID });
    expect(result.output).not.toMatch(/InvalidContentEntryDataError/);
    expect(result.ok).toBe(true);
  }, 120_000);

  test('rejects an order that is not a number, naming the file and the field', async () => {
    const result = await syncWith({
      'chapter.mdx': VALID,
      'broken.mdx': page('title: Broken\norder: first\nsummary: Oops.'),
    });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/content\/broken\.mdx/);
    expect(result.output).toMatch(/\border\b/);
  }, 120_000);

  test('rejects a page without a summary, naming the file and the field', async () => {
    const result = await syncWith({ 'no-summary.mdx': page('title: No summary\norder: 2') });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/content\/no-summary\.mdx/);
    expect(result.output).toMatch(/\bsummary\b/);
  }, 120_000);

  test('rejects an example whose file is missing, naming the file, the field and the missing program', async () => {
    const result = await syncWith({
      'missing-example.mdx': page(
        'title: Missing\norder: 3\nsummary: Uses a program that is not there.\nexamples:\n  - real-example\n  - ghost-program',
      ),
    });
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/content\/missing-example\.mdx/);
    expect(result.output).toMatch(/examples\.1/);
    expect(result.output).toMatch(/content\/examples\/ghost-program\.ts does not exist/);
  }, 120_000);
});
