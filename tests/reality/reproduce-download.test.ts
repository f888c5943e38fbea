// The "Reproduce on Linux" download (components/playground/reproduce-file.ts): the file the
// browser would save is self-contained C that gcc compiles alone (no -I include), and it hangs.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeReproduction } from '../../components/playground/reproduce-file.ts';
import { compileC } from '../../sim/c/index.ts';
import { explore } from '../../sim/explore/index.ts';
import { EXAMPLES } from './lib.ts';

const dir = mkdtempSync(join(tmpdir(), 'forklore-download-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Reproduce on Linux download', () => {
  for (const name of ['ch1-wrapper-buggy', 'intro-held-lock']) {
    it(`${name}: compiles with gcc -pthread alone and hangs in every run`, async () => {
      const source = readFileSync(join(EXAMPLES, `${name}.c`), 'utf8');
      const loaded = await compileC(source, `${name}.c`);
      if (!loaded.ok) throw new Error(loaded.error.message);
      const f = explore(loaded.program, {}).findings.find((x) => x.kind === 'deadlock')!;
      const r = makeReproduction(loaded.program, f.schedule, source, `${name}.c`);
      expect(r.fileName).toBe(`${name}-repro.c`);
      expect(r.notForceable).toEqual([]);
      expect(r.text).not.toMatch(/^#\s*include\s+"forklore/m);
      const file = join(dir, r.fileName);
      writeFileSync(file, r.text);
      // Another directory, no -I: nothing but the file itself.
      execFileSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', join(dir, name), file], {
        cwd: dir,
      });
      for (let i = 0; i < 2; i++) {
        const run = spawnSync('timeout', ['3', join(dir, name)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
        expect(run.status, String(run.stderr)).toBe(124);
      }
    }, 60_000);
  }

  it('a schedule that does not fit is refused with its step', async () => {
    const source = readFileSync(join(EXAMPLES, 'intro-held-lock.c'), 'utf8');
    const loaded = await compileC(source, 'intro-held-lock.c');
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(() => makeReproduction(loaded.program, '1000.1005', source, 'intro-held-lock.c')).toThrow(
      /at step 2: 1005 cannot run/,
    );
  });
});
