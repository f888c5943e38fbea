// ./forklore, the command the README gives: a shell launcher at the repository's root that runs
// bin/forklore.mjs on the pinned Node 24 (node_modules/.bin/node), whatever `node` is on PATH.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { example, root } from './run-cli.ts';

const launcher = join(root, 'forklore');

/** Runs a command with PATH holding only the system's directories (whose node, if any, may be older). */
const sh = (cmd: string, args: string[], cwd = root) =>
  spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, PATH: '/usr/bin:/bin' }, timeout: 60_000 });

describe('./forklore', { timeout: 180_000 }, () => {
  it('checks a file with the pinned Node, from the repository and from elsewhere', () => {
    const here = sh(launcher, ['check', example('ch1-wrapper-buggy')]);
    expect(here.status).toBe(1);
    expect(here.stdout).toMatch(/^ch1-wrapper-buggy: DEADLOCK\./);
    const away = sh(launcher, ['check', example('ch1-wrapper-fixed')], tmpdir());
    expect(away.stderr).toBe('');
    expect(away.status).toBe(0);
    expect(away.stdout).toMatch(/OK\. No schedule goes wrong/);
  });

  it('runs on the pinned Node, not an older one on PATH', () => {
    const r = sh(launcher, ['check', join(root, 'no-such-file.ts')]);
    expect(r.stderr).not.toMatch(/needs Node/);
    expect(r.stderr).toMatch(/no such file/);
    expect(r.status).toBe(2);
  });

  it('finds the repository through a link to it in another directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'forklore-link-'));
    try {
      symlinkSync(launcher, join(dir, 'forklore'));
      const r = sh(join(dir, 'forklore'), ['check', example('ch1-wrapper-buggy'), '--json'], dir);
      expect(r.status).toBe(1);
      expect((JSON.parse(r.stdout) as { verdict: string }).verdict).toBe('deadlock');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
