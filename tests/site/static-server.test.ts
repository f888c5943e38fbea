// The static server behind `npm start` and the e2e tests serves dist/ under the base path like a static host.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startStaticServer } from '../../scripts/static-server.mjs';

let root: string;
let server: Awaited<ReturnType<typeof startStaticServer>>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'forklore-serve-'));
  mkdirSync(join(root, 'the-bug'));
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'the-bug', 'index.html'), '<h1>bug</h1>');
  writeFileSync(join(root, '404.html'), '<h1>404</h1>');
  writeFileSync(join(root, 'favicon.svg'), '<svg/>');
  mkdirSync(join(root, '_astro'));
  writeFileSync(
    join(root, '_astro', 'esbuild.BaXVPFT2.wasm'),
    Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...new Array(4096).fill(0)]),
  );
  writeFileSync(join(root, '_astro', 'unhashed.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
  writeFileSync(join(tmpdir(), 'forklore-secret.txt'), 'secret');
  server = await startStaticServer({ root, base: 'sub' });
});
afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A raw GET, so that paths like /sub/../x reach the server unnormalised. */
function get(
  path: string,
): Promise<{ status: number; type?: string | undefined; location?: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.origin}${path}`, { method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          location: res.headers.location,
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the static server', () => {
  test('listens on 127.0.0.1 on an ephemeral port and reports the base it serves', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.base).toBe('/sub/');
    expect(server.url).toBe(`${server.origin}/sub/`);
  });

  test('serves directory pages and files with their content type', async () => {
    expect(await get('/sub/')).toMatchObject({ status: 200, body: '<h1>home</h1>', type: 'text/html; charset=utf-8' });
    expect(await get('/sub/the-bug/')).toMatchObject({ status: 200, body: '<h1>bug</h1>' });
    expect(await get('/sub/favicon.svg')).toMatchObject({ status: 200, type: 'image/svg+xml' });
  });

  test('redirects a directory without its trailing slash, as static hosts do', async () => {
    expect(await get('/sub/the-bug')).toMatchObject({ status: 301, location: '/sub/the-bug/' });
    expect(await get('/sub')).toMatchObject({ status: 301, location: '/sub/' });
  });

  test('answers 404 with the 404 page for missing paths and for paths outside the base', async () => {
    expect(await get('/sub/nope/')).toMatchObject({ status: 404, body: '<h1>404</h1>' });
    expect(await get('/the-bug/')).toMatchObject({ status: 404, body: '<h1>404</h1>' });
  });

  test('never serves a file outside its root', async () => {
    for (const path of [
      '/sub/../forklore-secret.txt',
      '/sub/%2e%2e/forklore-secret.txt',
      '/sub/..%2fforklore-secret.txt',
    ]) {
      const res = await get(path);
      expect(res.body).not.toContain('secret');
    }
  });
});

describe('listPages', () => {
  test('lists every built page as a path without the base, and not the 404 page', async () => {
    const { listPages } = await import('../../scripts/static-server.mjs');
    expect(listPages(root)).toEqual(['', 'the-bug/']);
  });
});

test('compresses text with gzip when the client accepts it, as static hosts do', async () => {
  const res = await fetch(`${server.origin}/sub/the-bug/`, { headers: { 'accept-encoding': 'gzip' } });
  expect(res.headers.get('content-encoding')).toBe('gzip');
  expect(await res.text()).toBe('<h1>bug</h1>');
});

test('serves the compiler (wasm) compressed, so its 14 MB download shrinks to about 4 MB', async () => {
  const res = await fetch(`${server.origin}/sub/_astro/esbuild.BaXVPFT2.wasm`, {
    headers: { 'accept-encoding': 'gzip' },
  });
  expect(res.headers.get('content-type')).toBe('application/wasm');
  expect(res.headers.get('content-encoding')).toBe('gzip');
  const body = new Uint8Array(await res.arrayBuffer());
  expect(body.length).toBe(8 + 4096);
  expect([...body.slice(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
});

test("caches Astro's content-hashed files for a year and revalidates everything else", async () => {
  const hashed = await fetch(`${server.origin}/sub/_astro/esbuild.BaXVPFT2.wasm`);
  expect(hashed.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  for (const path of ['/sub/', '/sub/the-bug/', '/sub/favicon.svg', '/sub/_astro/unhashed.wasm']) {
    const res = await fetch(`${server.origin}${path}`);
    expect(res.headers.get('cache-control'), path).toBe('no-cache');
  }
});
