// The C front end's figures (run by `npm run bench`; not a test, nothing here asserts a duration):
// 1. parse + translate a 200-line C file in Node and in a Web Worker of the system Chromium, as the
//    Playground's worker does it, median (target <= 50 ms);
// 2. the front end's JavaScript and wasm a browser loads on first edit, gzip (target <= 400 KB);
// 3. checking each C example against its TypeScript twin: ratio of DPOR check times (target <= 1.5).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';
import { compileC, parseC, preprocess } from '../sim/c/index.ts';
import { packTree, unpackTree, type Packed } from '../components/playground/c-tree.ts';
import { explore } from '../sim/index.ts';
import type { Program } from '../sim/types.ts';

// Run from the repository root (bench/run.mjs does), as the bundle lives in bench/out/.
const ROOT = process.cwd();
const EXAMPLES = join(ROOT, 'content', 'examples');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A 200-line C file: tst-fork1-r815.c and realistic helpers of the same kinds (locks, forks, loops, printf). */
function twoHundredLines(): string {
  const base = readFileSync(join(EXAMPLES, 'tst-fork1-r815.c'), 'utf8').split('\n');
  const at = base.findIndex((l) => l.startsWith('static int do_test'));
  const helpers: string[] = [];
  for (let k = 0; base.length + helpers.length + 14 <= 200; k++) {
    helpers.push(
      `static int counter_${k}[4];`,
      `static pthread_mutex_t lock_${k} = PTHREAD_MUTEX_INITIALIZER;`,
      `static int helper_${k}(int n)`,
      '{',
      '  int sum = 0;',
      '  for (int j = 0; j < n; j++) {',
      `    pthread_mutex_lock(&lock_${k});`,
      `    counter_${k}[j % 4] += j;`,
      `    sum += counter_${k}[j % 4];`,
      `    pthread_mutex_unlock(&lock_${k});`,
      '  }',
      `  switch (sum % 3) { case 0: printf("%d zero\\n", sum); break; default: printf("%5d\\n", sum); }`,
      '  return sum;',
      '}',
    );
  }
  const lines = [...base.slice(0, at), ...helpers, ...base.slice(at)];
  while (lines.length < 200) lines.splice(at, 0, '// (padding)');
  return lines.join('\n');
}

async function parseTranslate(): Promise<void> {
  const src = twoHundredLines();
  const n = src.split('\n').length;
  const t0 = performance.now();
  const first = await compileC(src, 'bench.c');
  const firstMs = performance.now() - t0;
  if (!first.ok) throw new Error(`bench.c:${first.error.line}:${first.error.column}: ${first.error.message}`);
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const r = await compileC(src, 'bench.c');
    times.push(performance.now() - t);
    if (!r.ok) throw new Error('compile failed');
  }
  console.log(
    `parse + translate, ${n}-line C file, Node: median ${median(times).toFixed(2)} ms over ${times.length} runs (target <= 50 ms); first call, with wasm load: ${firstMs.toFixed(1)} ms`,
  );
  // An unedited example in the browser compiles from a tree packed at build time (c-tree.ts): what
  // that tree weighs in the page and what translating from it costs, without the parser.
  const pp = preprocess(src, 'bench.c');
  const packed = JSON.stringify(packTree(await parseC(pp.text), pp.text));
  const fromTree: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const r = await compileC(src, 'bench.c', async (text) => unpackTree(JSON.parse(packed) as Packed, text));
    fromTree.push(performance.now() - t);
    if (!r.ok) throw new Error('compile from the packed tree failed');
  }
  console.log(
    `  the same file from its build-time tree: median ${median(fromTree).toFixed(2)} ms; the tree in the page ${(packed.length / 1024).toFixed(1)} KB, gzip ${(gzipSync(packed, { level: 9 }).length / 1024).toFixed(1)} KB`,
  );
}

/**
 * The same 200-line file parsed and translated in a Web Worker of the system Chromium: the front end
 * bundled for the browser as the Playground's worker has it, the two wasm files handed over as bytes
 * (as the page hands them to the worker), 40 timed runs after a first one that starts the parser.
 */
async function browserParseTranslate(): Promise<void> {
  const out = await build({
    stdin: {
      contents: `import { compileC, provideWasm } from './sim/c/index.ts';
        self.onmessage = async ({ data }) => {
          provideWasm(async () => ({ runtime: data.runtime, grammar: data.grammar }));
          const t0 = performance.now();
          const first = await compileC(data.src, 'bench.c');
          const firstMs = performance.now() - t0;
          if (!first.ok) return self.postMessage({ error: first.error.message });
          const plain = [], tracked = [];
          for (let i = 0; i < 40; i++) {
            let t = performance.now();
            await compileC(data.src, 'bench.c');
            plain.push(performance.now() - t);
            t = performance.now();
            await compileC(data.src, 'bench.c', undefined, { track: true });
            tracked.push(performance.now() - t);
          }
          self.postMessage({ firstMs, plain, tracked });
        };`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external: ['module', 'fs/promises'],
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.text;
  const runtime = [...readFileSync(join(ROOT, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm'))];
  const grammar = [...readFileSync(join(ROOT, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm'))];
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    // A page of an http origin (a worker from a blob: URL of about:blank, an opaque origin, does not start).
    await page.route('http://bench.invalid/', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }),
    );
    await page.goto('http://bench.invalid/');
    const r = await page.evaluate(
      ({ code, src, runtime, grammar }) =>
        new Promise<{ firstMs: number; plain: number[]; tracked: number[]; error?: string }>((resolve) => {
          const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
          const w = new Worker(url, { type: 'module' });
          w.onmessage = (e) => resolve(e.data as { firstMs: number; plain: number[]; tracked: number[] });
          w.onerror = (e) =>
            resolve({ firstMs: 0, plain: [], tracked: [], error: String(e.message ?? 'the worker did not start') });
          w.postMessage({ src, runtime: new Uint8Array(runtime), grammar: new Uint8Array(grammar) });
        }),
      { code, src: twoHundredLines(), runtime, grammar },
    );
    if (r.error) throw new Error(`in the browser: ${r.error}`);
    console.log(
      `parse + translate, 200-line C file, Chromium Web Worker: median ${median(r.plain).toFixed(2)} ms over ${r.plain.length} runs (target <= 50 ms); with line marks (a Run that follows the code) ${median(r.tracked).toFixed(2)} ms; first call, with wasm start: ${r.firstMs.toFixed(1)} ms`,
    );
  } finally {
    await browser.close();
  }
}

async function firstEditSize(): Promise<void> {
  // What the browser would load when a reader first edits C: the front end bundled (the program
  // library is already loaded by the playground, so it is left out), web-tree-sitter's runtime wasm
  // and the grammar's wasm.
  const out = await build({
    entryPoints: [join(ROOT, 'sim', 'c', 'index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    external: ['../api/index.ts', 'module', 'fs/promises'],
    plugins: [
      {
        name: 'api-external',
        setup(b) {
          b.onResolve({ filter: /\/api\/index\.ts$/ }, (a) => ({ path: a.path, external: true }));
        },
      },
    ],
    logLevel: 'silent',
  });
  const js = out.outputFiles[0]!.contents;
  const runtime = readFileSync(join(ROOT, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm'));
  const grammar = readFileSync(join(ROOT, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm'));
  const kb = (b: Uint8Array) => (gzipSync(b, { level: 9 }).length / 1024).toFixed(1);
  const total =
    gzipSync(js, { level: 9 }).length + gzipSync(runtime, { level: 9 }).length + gzipSync(grammar, { level: 9 }).length;
  console.log(
    `first C edit, gzip: JavaScript ${kb(js)} KB + tree-sitter.wasm ${kb(runtime)} KB + tree-sitter-c.wasm ${kb(grammar)} KB = ${(total / 1024).toFixed(1)} KB (target <= 400 KB)`,
  );
}

/** A TypeScript twin, bundled as the project loads programs ('forklore' is the program library). */
async function loadTs(name: string): Promise<Program | null> {
  const outfile = join(ROOT, 'bench', 'out', 'twins', `${name}.mjs`);
  await build({
    entryPoints: [join(EXAMPLES, `${name}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    alias: { forklore: join(ROOT, 'sim', 'api', 'index.ts') },
    logLevel: 'silent',
  });
  const mod = (await import(pathToFileURL(outfile).href)) as {
    default?: Program['main'];
    options?: Program['options'];
  };
  return mod.default ? { main: mod.default, options: mod.options ?? {}, name } : null;
}

async function twinRatios(): Promise<void> {
  const names = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
  const rows: { name: string; c: number; ts: number }[] = [];
  const time = (p: Program) => {
    explore(p, {}); // warm-up
    const ts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      explore(p, {});
      ts.push(performance.now() - t);
    }
    return median(ts);
  };
  for (const name of names) {
    const c = await compileC(readFileSync(join(EXAMPLES, `${name}.c`), 'utf8'), `${name}.c`);
    const t = await loadTs(name);
    if (!c.ok || !t) continue;
    rows.push({ name, c: time(c.program), ts: time(t) });
  }
  const ratios = rows.map((r) => r.c / Math.max(r.ts, 0.01));
  const geo = Math.exp(ratios.reduce((s, x) => s + Math.log(x), 0) / ratios.length);
  const worst = rows.map((r, i) => ({ ...r, ratio: ratios[i]! })).sort((a, b) => b.ratio - a.ratio);
  const heavy = rows.filter((r) => r.ts >= 20);
  const heavyGeo = heavy.length ? Math.exp(heavy.reduce((s, r) => s + Math.log(r.c / r.ts), 0) / heavy.length) : NaN;
  console.log(
    `C check time / TypeScript check time (DPOR, median of 3), ${rows.length} twins: geometric mean ${geo.toFixed(2)}, on the ${heavy.length} twins whose TS check takes >= 20 ms ${heavyGeo.toFixed(2)} (target <= 1.5)`,
  );
  for (const r of worst.slice(0, 5))
    console.log(`  ${r.name}: C ${r.c.toFixed(1)} ms, TS ${r.ts.toFixed(1)} ms, ratio ${r.ratio.toFixed(2)}`);
}

await parseTranslate();
await browserParseTranslate();
await firstEditSize();
await twinRatios();
