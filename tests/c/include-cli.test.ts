// `forklore check` on C files that #include their own files: the command reads them from the checked
// file's directory and refuses any other (exit status 2, bad input, with the reason at the #include).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forklore } from '../cli/run-cli.ts';

let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'forklore-cli-include-'));
  mkdirSync(join(root, 'prog'));
  writeFileSync(join(root, 'outside.c'), 'static int leaked = 1;\n');
  writeFileSync(
    join(root, 'prog', 'common.c'),
    '#include <pthread.h>\nstatic pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\nstatic void *worker(void *a) { pthread_mutex_lock(&m); return a; }\n',
  );
  // The worker keeps the lock: main's lock after the join waits for ever.
  writeFileSync(
    join(root, 'prog', 'main.c'),
    '#include "common.c"\nint main(void) {\n  pthread_t t;\n  pthread_create(&t, NULL, worker, NULL);\n  pthread_join(t, NULL);\n  pthread_mutex_lock(&m);\n  return 0;\n}\n',
  );
  writeFileSync(join(root, 'prog', 'escape.c'), '#include "../outside.c"\nint main(void) { return leaked; }\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('forklore check with #include "FILE"', () => {
  it("reads the included file from the checked file's directory: its code is checked", async () => {
    const r = await forklore(['check', join(root, 'prog', 'main.c')]);
    expect(r.stdout).toMatch(/DEADLOCK|deadlock/);
    expect(r.status).toBe(1);
  }, 90_000);

  it('refuses a file outside that directory, naming why, with exit status 2', async () => {
    const r = await forklore(['check', join(root, 'prog', 'escape.c')]);
    expect(r.status).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toMatch(/escape\.c:1:10: error: #include "\.\.\/outside\.c": .*"\.\."/);
  }, 90_000);
});
