// A small static file server for dist/, mounted under the site's base path; used by `npm start` and the e2e tests.
import { createServer } from 'node:http';
import { createReadStream, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { createGzip } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  // Pagefind's index files
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
  '.pagefind': 'application/octet-stream',
};

/**
 * Sent with every response: no page on another origin may frame the site (a framing page could
 * otherwise navigate the Playground's sandbox frame to its own document). Any host serving dist/
 * should send the same header; the README's deployment section says so.
 */
export const SECURITY_HEADERS = { 'content-security-policy': "frame-ancestors 'self'" };

/** Content types worth compressing, as any real static host does. */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml|wasm)|image\/svg)/;

/**
 * Astro names every file under _astro/ by its content's hash, so a name never
 * changes meaning: those files may be cached for a year without asking again,
 * which is what lets the compiler (esbuild.wasm) load once across chapters.
 * Pages and unhashed files are revalidated on every load.
 */
function cacheControl(relative) {
  return /^_astro[\\/][^\\/]+\.[0-9A-Za-z_-]{8}\.[a-z0-9]+$/.test(relative)
    ? 'public, max-age=31536000, immutable'
    : 'no-cache';
}

/** Lists the built pages under `root` as site paths without the base ('', 'the-bug/', …). */
export function listPages(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '_astro' && entry.name !== 'pagefind') walk(full);
      } else if (entry.name === 'index.html') {
        const rel = relative(root, dir).split(sep).join('/');
        out.push(rel === '' ? '' : `${rel}/`);
      }
    }
  };
  walk(resolve(root));
  return out.sort();
}

/** Turns BASE_PATH ('', 'x', '/x', '/x/') into '/' or '/x/'. */
export function normaliseBase(raw) {
  const trimmed = (raw ?? '').trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

async function fileAt(path) {
  try {
    const s = await stat(path);
    return s;
  } catch {
    return null;
  }
}

/**
 * Starts serving `root` under `base` on `host`:`port` (port 0 picks a free one). Paths outside
 * the base, or missing, get dist/404.html with status 404, as a static host would.
 * @param {{ root: string, base?: string | undefined, host?: string, port?: number }} options
 * @returns {Promise<{ origin: string, url: string, base: string, close: () => Promise<void> }>}
 */
export async function startStaticServer({ root, base = '/', host = '127.0.0.1', port = 0 }) {
  const rootDir = resolve(root);
  const mount = normaliseBase(base);

  const notFound = async (res, method) => {
    const page = join(rootDir, '404.html');
    const s = await fileAt(page);
    res.writeHead(404, { 'content-type': TYPES['.html'], ...SECURITY_HEADERS });
    if (s && method !== 'HEAD') createReadStream(page).pipe(res);
    else res.end(s ? undefined : 'Not found');
  };

  // The handler catches its own errors (the 500 below): nothing is left to reject.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      let pathname;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        res.writeHead(400).end('Bad request');
        return;
      }
      if (`${pathname}/` === mount) {
        res.writeHead(301, { location: mount + url.search }).end();
        return;
      }
      if (!pathname.startsWith(mount)) return notFound(res, req.method);
      const relative = normalize(pathname.slice(mount.length));
      let file = resolve(rootDir, `.${sep}${relative}`);
      // A request that normalises to somewhere outside dist/ never reads the disk.
      if (file !== rootDir && !file.startsWith(rootDir + sep)) return notFound(res, req.method);
      let s = await fileAt(file);
      if (s?.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
          return;
        }
        file = join(file, 'index.html');
        s = await fileAt(file);
      }
      if (!s?.isFile()) return notFound(res, req.method);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const gzip = COMPRESSIBLE.test(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': type,
        'cache-control': cacheControl(relative),
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : { 'content-length': s.size }),
      });
      if (req.method === 'HEAD') res.end();
      else if (gzip) createReadStream(file).pipe(createGzip()).pipe(res);
      else createReadStream(file).pipe(res);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(undefined));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const origin = `http://${host}:${actualPort}`;
  return {
    origin,
    base: mount,
    url: origin + mount,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok(undefined));
      }),
  };
}
