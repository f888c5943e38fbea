// The boundary between the world (in the worker's V8) and the program (in QuickJS): values cross both
// ways as the library expects them, the program's functions come back as themselves, and what a
// program yields or stores that is not plain data, or is made to look like the boundary's own tags,
// gets a clear message or stays data (sim/node/wire.ts, sim/node/remote.ts).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forklore } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'forklore-boundary-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe.concurrent('the sandbox boundary', { timeout: 120_000 }, () => {
  it('carries undefined, NaN, -0, bigints, Maps, Sets, "$" keys, functions and JoinError both ways', async () => {
    const file = write(
      'values.ts',
      `import { cell, load, store, pthread_create, pthread_join, pthread_detach, JoinError, assert, SIG_IGN, sigaction, SIGUSR1, fork, waitpid, _exit, pthread_atfork } from 'forklore';
const c = cell<any>('c', { init: [1, undefined, NaN] });
function* w(x: any) {
  const v: any = yield* load(c);
  return { v, x };
}
function* h() {}
export default function* main() {
  const init: any = yield* load(c);
  assert(init.init.length === 3 && init.init[1] === undefined && Number.isNaN(init.init[2]), 'initial value');
  const big = 12345678901234567890n;
  const value = {
    a: [2, undefined, -0, Infinity, -Infinity, NaN],
    b: undefined,
    big,
    map: new Map<any, any>([[1, 'one'], ['k', { z: 1 }]]),
    set: new Set([1, 2, 3]),
    dollar: { $: 'u', other: 5 },
    fn: w,
    nested: { deep: { deeper: [1, [2, [3]]] } },
    str: 'line\\nbreak "quoted" \\u2028 \\u0000',
  };
  yield* store(c, value);
  const got: any = yield* load(c);
  assert(got.a.length === 6 && got.a[1] === undefined && Object.is(got.a[2], -0), 'array specials');
  assert(got.a[3] === Infinity && got.a[4] === -Infinity && Number.isNaN(got.a[5]), 'infinities');
  assert('b' in got && got.b === undefined, 'undefined property');
  assert(got.big === big, 'bigint');
  assert(got.map instanceof Map && got.map.get(1) === 'one' && got.map.get('k').z === 1, 'map');
  assert(got.set instanceof Set && got.set.has(3) && got.set.size === 3, 'set');
  assert(got.dollar.$ === 'u' && got.dollar.other === 5, 'a "$" key is data');
  assert(got.fn === w, 'a function comes back as itself');
  assert(got.nested.deep.deeper[1][1][0] === 3, 'nesting');
  assert(got.str === value.str, 'strings');
  const t = yield* pthread_create(w, { arg: [undefined, -0], fn: h });
  const r: any = yield* pthread_join(t);
  assert(r.x.fn === h && r.x.arg[0] === undefined && Object.is(r.x.arg[1], -0), 'thread arguments');
  assert(r.v.fn === w, 'a cell read in a thread');
  const d = yield* pthread_create(w, 1);
  yield* pthread_detach(d);
  const j = yield* pthread_join(d);
  assert(j instanceof JoinError, 'JoinError is the library class');
  assert(typeof (j as JoinError).errno === 'number', 'JoinError errno');
  yield* sigaction(SIGUSR1, SIG_IGN);
  yield* pthread_atfork(h, null, h);
  const pid = yield* fork();
  if (pid === 0) yield* _exit(0);
  yield* waitpid(pid);
  return 0;
}
`,
    );
    const r = await forklore(['check', file]);
    expect(r.stdout).toMatch(/^values: OK\./m);
    expect(r.status).toBe(0);
  });

  it('keeps a forged tag, a toJSON and a __proto__ key as data', async () => {
    const file = write(
      'forged.ts',
      `import { cell, load, store, assert } from 'forklore';
const c = cell<any>('c', 0);
export default function* main() {
  yield* store(c, { $: 'f', id: 0, name: 'main' });
  const back: any = yield* load(c);
  assert(typeof back === 'object' && back.$ === 'f' && back.id === 0, 'a forged function tag is data');
  yield* store(c, { toJSON() { return { $: 'l', v: 'SIG_IGN' }; } });
  const t: any = yield* load(c);
  assert(typeof t === 'object' && t.$ === 'l', 'toJSON cannot forge a tag');
  yield* store(c, JSON.parse('{"__proto__": {"polluted": 1}, "x": 1}'));
  const q: any = yield* load(c);
  assert(q.x === 1 && ({} as any).polluted === undefined && q.polluted === undefined, '__proto__ stays data');
}
`,
    );
    const r = await forklore(['check', file]);
    expect(r.stdout).toMatch(/^forged: OK\./m);
    expect(r.status).toBe(0);
  });

  it('names a cyclic value, a made-up operation and a thrown non-error clearly, as errors of the thread', async () => {
    const r = await forklore([
      'check',
      write(
        'cyclic.ts',
        "import { cell, store } from 'forklore';\nconst c = cell<any>('c', 0);\nexport default function* main() { const a: any = {}; a.self = a; yield* store(c, a); }\n",
      ),
      write('bogus.ts', "export default function* main() { yield { k: 'bogus' } as any; }\n"),
      write('toString.ts', "export default function* main() { throw { toString: () => 'thrown text' }; }\n"),
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/An exception in thread 1000: circular reference$/m);
    expect(r.stdout).toMatch(
      /An exception in thread 1000: yielded an object that is not a library operation \(k: "bogus"\): library calls need yield\* \(not yield\)$/m,
    );
    expect(r.stdout).toMatch(/An exception in thread 1000: thrown text$/m);
    expect(r.stdout).not.toMatch(/forklore-sandbox\.js|worker\.mjs/);
  });
});
