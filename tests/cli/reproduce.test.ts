// `forklore reproduce FILE.c`: the forced replay from the command line. The command writes C text and
// compiles and runs nothing itself; this test compiles what it wrote with gcc and runs it with a timeout.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GCC_FLAGS } from '../reality/lib.ts';
import { forklore, root } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'forklore-repro-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const c = (name: string) => join(root, 'content', 'examples', `${name}.c`);

describe('forklore reproduce', () => {
  it('writes a program that hangs on real Linux for the first deadlock the check finds', async () => {
    const out = join(dir, 'repro.c');
    const r = await forklore(['reproduce', c('ch1-wrapper-buggy'), '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/forced replay of the first deadlock the check finds, schedule [\d.*]+/);
    expect(r.stderr).toMatch(/every decisive step is forced/);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^\/\/ A forced replay of ch1-wrapper-buggy\.c/);
    // The program unchanged, but for its #include "forklore.h", inlined above it (the line kept as a comment).
    expect(text).toContain(
      readFileSync(c('ch1-wrapper-buggy'), 'utf8').replace(
        '#include "forklore.h"',
        '/* #include "forklore.h": inlined above */',
      ),
    );
    // Self-contained, as the page's download: the replay headers are inlined, no -I include.
    expect(text).not.toMatch(/^#\s*include\s+"forklore/m);
    execFileSync(
      'gcc',
      [...GCC_FLAGS.filter((f) => f !== '-I' && !f.endsWith('/include')), '-o', join(dir, 'repro'), out],
      {
        cwd: dir,
      },
    );
    for (let i = 0; i < 2; i++) {
      const run = spawnSync('timeout', ['3', join(dir, 'repro')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
      expect(run.status, String(run.stderr)).toBe(124);
    }
  }, 60_000);

  it('refuses a schedule that does not fit the program, with the step where it diverges', async () => {
    const r = await forklore(['reproduce', c('intro-held-lock'), '--schedule', '1000.1005']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/does not fit the program at step 2: 1005 cannot run \(enabled: 1000, 1001\)/);
    expect(r.stdout).toBe('');
  }, 60_000);

  it('says which steps it cannot force, on stderr and in the file', async () => {
    // main's read of flag is a plain load: it happens when main gets there, and no wrapped call
    // orders it after the other thread's store, which the counterexample needs first.
    const file = join(dir, 'race.c');
    writeFileSync(
      file,
      `#include <pthread.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int flag = 0;
static void *setter(void *arg) { (void) arg; flag = 1; return NULL; }
int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, setter, NULL);
  if (flag) {
    pthread_mutex_lock(&m);
    pthread_mutex_lock(&m);
  }
  pthread_join(t, NULL);
  return 0;
}
`,
    );
    const r = await forklore(['reproduce', file]);
    expect(r.status, r.stderr).toBe(0);
    const why =
      'load(flag) of thread 1000 (step 4) runs as soon as its thread gets there, before store(flag, 1) of thread 1001 (step 2) that the model puts first';
    expect(r.stderr).toContain(`not forced: ${why}`);
    expect(r.stdout).toContain(`// Not forced (the replay may still hang, but not by construction):\n//   ${why}`);
  }, 60_000);

  it('forces a signal delivery: the handler runs inside the free its thread is in, and every run hangs', async () => {
    const out = join(dir, 'signal.c');
    const r = await forklore(['reproduce', c('signal-malloc'), '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/every decisive step is forced/);
    execFileSync('gcc', ['-std=gnu11', '-Wall', '-Wextra', '-Werror', '-pthread', '-o', join(dir, 'signal'), out]);
    const run = spawnSync('timeout', ['3', join(dir, 'signal')], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    expect(run.status, String(run.stderr)).toBe(124);
  }, 60_000);

  it('takes C files only, and a program without a counterexample is refused', async () => {
    const ts = await forklore(['reproduce', join(root, 'content', 'examples', 'intro-held-lock.ts')]);
    expect(ts.status).toBe(2);
    expect(ts.stderr).toMatch(/not a C file/);
    const ok = await forklore(['reproduce', c('intro-held-lock-fixed')]);
    expect(ok.status).toBe(2);
    expect(ok.stderr).toMatch(/finds no counterexample \(verdict ok\): nothing to reproduce/);
  }, 60_000);
});
