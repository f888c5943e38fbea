// lockdown.ts in a realm of its own (a Node worker thread): after it, a program can no longer change
// the built-ins the checker shares with it, objects still get their own properties where a frozen
// prototype has one (an Error subclass setting this.name), and the simulator still gives every
// example the verdict the example declares.
import { describe, expect, test } from 'vitest';
import { build } from 'esbuild';
import { Worker } from 'node:worker_threads';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bundles `entry` (TypeScript source) and runs it in a fresh worker thread; resolves with what it posts. */
async function inRealm(entry: string): Promise<unknown> {
  const out = await build({
    stdin: { contents: entry, resolveDir: ROOT, loader: 'ts', sourcefile: 'realm-entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    alias: { forklore: `${ROOT}sim/api/index.ts` },
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.text;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, type: 'module' } as never);
    w.once('message', (m) => {
      resolve(m);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('lockdown', () => {
  test('built-ins cannot be changed afterwards, and own properties still work over frozen ones', async () => {
    const r = await inRealm(`
      import { parentPort } from 'node:worker_threads';
      import { lockdown } from './components/playground/lockdown.ts';
      const stringify = JSON.stringify;
      lockdown();
      const tried = (f) => { try { f(); } catch {} };
      tried(() => { Object.prototype.maxSteps = 2; });
      tried(() => { JSON.stringify = () => 'forged'; });
      tried(() => { globalThis.JSON = { stringify: () => 'forged' }; });
      tried(() => { Array.prototype.push = () => 0; });
      tried(() => { MessagePort.prototype.postMessage = () => {}; });
      tried(() => { Object.getPrototypeOf(function* () {}).prototype.next = () => ({ done: true }); });
      class Failure extends Error { constructor(m) { super(m); this.name = 'Failure'; } }
      const plain = {}; plain.toString = () => 'mine';
      const list = []; list.push(1, 2);
      parentPort.postMessage({
        polluted: ({}).maxSteps,
        json: JSON.stringify({ a: 1 }), sameJson: JSON.stringify === stringify,
        pushed: list.length,
        errorName: new Failure('x').name, ownToString: String(plain),
        frozen: Object.isFrozen(Object.prototype) && Object.isFrozen(Array.prototype) && Object.isFrozen(Function.prototype),
      });
    `);
    expect(r).toEqual({
      polluted: undefined,
      json: '{"a":1}',
      sameJson: true,
      pushed: 2,
      errorName: 'Failure',
      ownToString: 'mine',
      frozen: true,
    });
  });

  test('after lockdown the simulator still gives examples the verdict they declare (every eighth example; the browser tests run the rest)', async () => {
    const names = readdirSync(`${ROOT}content/examples`)
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .filter((_, i) => i % 8 === 0);
    const r = (await inRealm(`
      import { parentPort } from 'node:worker_threads';
      import { lockdown } from './components/playground/lockdown.ts';
      import { explore } from './sim/index.ts';
      ${names.map((n, i) => `import * as m${i} from './content/examples/${n}';`).join('\n')}
      const mods = [${names.map((_, i) => `m${i}`).join(', ')}];
      const names = ${JSON.stringify(names)};
      lockdown();
      const out = {};
      mods.forEach((m, i) => {
        try {
          // Bounded by executions, not by time, and complete: the same answer on a loaded machine.
          const r = explore({ main: m.default, options: m.options ?? {}, expected: m.expected, name: names[i] }, { stopAtFirst: false, maxExecutions: 5000 });
          out[names[i]] = r.verdict + (r.completeness.complete ? '' : ' (search cut short by ' + r.completeness.stoppedBy + ')');
        } catch (e) { out[names[i]] = 'threw: ' + e.message; }
      });
      parentPort.postMessage(out);
    `)) as Record<string, string>;
    const want = Object.fromEntries(
      names.map((n) => [
        n,
        /export const expected\s*=\s*\{\s*verdict:\s*'([a-z-]+)'/.exec(
          readFileSync(`${ROOT}content/examples/${n}`, 'utf8'),
        )?.[1] ?? 'ok',
      ]),
    );
    expect(names.length).toBeGreaterThan(5);
    expect(r).toEqual(want);
  }, 120_000);
});
