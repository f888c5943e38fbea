// `#include "FILE"` of the program's own files (sim/c/preprocess.ts, sim/c/include-node.ts): read from
// the including file's directory and nowhere else, with every position in an included file named by
// its own file and line. Without a reader (the Playground's one file) such an include is an error
// naming the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileC, includeBeside } from '../../sim/c/index.ts';
import { runFirst, stdoutOf } from '../sim/world-helpers.ts';

let root = '';
let dir = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'forklore-include-'));
  dir = join(root, 'prog');
  mkdirSync(join(dir, 'lib'), { recursive: true });
  writeFileSync(join(root, 'secret.c'), 'int secret = 42;\n');
  writeFileSync(
    join(dir, 'common.c'),
    '#include <stdio.h>\nstatic int twice(int x) { return 2 * x; }\n#define GREETING "hi"\n',
  );
  writeFileSync(join(dir, 'lib', 'outer.c'), '#include "inner.c"\nstatic int outer(void) { return inner() + 1; }\n');
  writeFileSync(join(dir, 'lib', 'inner.c'), 'static int inner(void) { return 40; }\n');
  writeFileSync(join(dir, 'bad.c'), '\nstatic int broken(void) { return undeclared_name; }\n');
  writeFileSync(join(dir, 'crash.c'), 'static int at(int *p) {\n  return *p;\n}\n');
  symlinkSync(join(root, 'secret.c'), join(dir, 'link.c'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const compile = (src: string, withReader = true) => {
  const file = join(dir, 'main.c');
  return compileC(src, file, undefined, withReader ? { include: includeBeside(file) } : {});
};
async function output(src: string): Promise<string> {
  const r = await compile(src);
  if (!r.ok) throw new Error(`${r.error.line}:${r.error.column}: ${r.error.message}`);
  return stdoutOf(runFirst(r.program));
}

describe('#include of a file of the program', () => {
  it('a sibling brings its functions, headers and macros; a nested include looks next to its includer', async () => {
    expect(
      await output(
        '#include "common.c"\n#include "lib/outer.c"\nint main(void) { printf("%s %d %d\\n", GREETING, twice(21), outer()); return 0; }\n',
      ),
    ).toBe('hi 42 41\n');
  });

  it('refuses a path outside the directory: "..", an absolute path, a symbolic link that leads out', async () => {
    for (const [name, why] of [
      ['../secret.c', /outside it, is refused/],
      [join(root, 'secret.c'), /without an absolute path/],
      ['link.c', /leads outside the directory .* symbolic link/],
      ['missing.c', /#include "missing.c": no such file next to/],
    ] as const) {
      const r = await compile(`int x;\n#include "${name}"\nint main(void) { return 0; }\n`);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.message).toMatch(why);
      expect([r.error.line, r.error.column]).toEqual([2, 10]);
    }
  });

  it('without a reader (the Playground) an include of a file is an error naming it', async () => {
    const r = await compile('#include "common.c"\nint main(void) { return 0; }\n', false);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^#include "common.c": this program is one file here/);
  });

  it("an error in an included file is reported at the #include with the included file's line and column", async () => {
    const r = await compile('#include <stdio.h>\n#include "bad.c"\nint main(void) { return 0; }\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect([r.error.line, r.error.column]).toEqual([2, 10]);
    expect(r.error.message).toBe('bad.c:2:34: unknown identifier undeclared_name');
  });

  it("a run-time error in an included file names that file's line", async () => {
    const r = await compile('#include "crash.c"\nint main(void) { return at(0); }\n');
    if (!r.ok) throw new Error(r.error.message);
    const run = runFirst(r.program);
    expect(
      run
        .findings()
        .map((f) => f.message)
        .join(),
    ).toMatch(/crash\.c:2:10: null pointer dereference/);
  });
});
