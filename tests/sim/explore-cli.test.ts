// The forklore CLI: argument parsing, and the real command spawned for its exit statuses 0, 1 and 2.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../../sim/cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'forklore.mjs');
const example = (name: string) => join(root, 'content', 'examples', `${name}.ts`);

function forklore(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('parseArgs', () => {
  it('reads every option into one options object', () => {
    const p = parseArgs(['check', 'x.ts', '--strategy', 'pct', '--runs', '50', '--seed=3', '--depth', '2', '--max-steps', '100', '--max-executions', '9', '--max-time', '0', '--preemption-bound', '1', '--json']);
    expect(p).toEqual({
      file: 'x.ts',
      json: true,
      options: { strategy: 'pct', runs: 50, seed: 3, depth: 2, maxSteps: 100, maxExecutions: 9, maxTimeMs: 0, preemptionBound: 1 },
    });
  });

  it('takes --schedule to mean the replay strategy', () => {
    expect(parseArgs(['check', 'x.ts', '--schedule', '1000*2.1001'])).toMatchObject({ options: { strategy: 'replay', schedule: '1000*2.1001' } });
  });

  it('rejects unknown options, bad numbers, unknown strategies and malformed schedules with a clear message', () => {
    expect(() => parseArgs(['check', 'x.ts', '--frobnicate'])).toThrow('unknown option --frobnicate');
    expect(() => parseArgs(['check', 'x.ts', '--runs', 'many'])).toThrow('--runs must be a whole number of at least 1 (got "many")');
    expect(() => parseArgs(['check', 'x.ts', '--runs', '0'])).toThrow('--runs must be a whole number of at least 1');
    expect(() => parseArgs(['check', 'x.ts', '--strategy', 'bfs'])).toThrow('--strategy must be one of dpor, enumerate, random, pct, replay (got "bfs")');
    expect(() => parseArgs(['check', 'x.ts', '--schedule', '1000**2'])).toThrow('--schedule: not a schedule string');
    expect(() => parseArgs(['check', 'x.ts', '--strategy', 'replay'])).toThrow('--strategy replay needs --schedule S');
    expect(() => parseArgs(['check'])).toThrow('which program?');
    expect(() => parseArgs(['run', 'x.ts'])).toThrow('unknown command "run"');
  });
});

describe('forklore check', () => {
  it('exits 1 on the r743 wrapper, naming the deadlock, the left-behind lock and the strace log', () => {
    const r = forklore('check', example('ch1-wrapper-buggy'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/DEADLOCK/);
    expect(r.stdout).toMatch(/does not exist in process/);
    expect(r.stdout).toMatch(/\[pid \d+\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished \.\.\.>/);
    expect(r.stdout).toMatch(/Schedule: \S+/);
  });

  it('exits 0 on the r815 wrapper, saying every schedule was explored', () => {
    const r = forklore('check', example('ch1-wrapper-fixed'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/OK\. No schedule goes wrong: every schedule was explored\./);
  });

  it('prints the whole report as JSON with --json, and replays its schedule to the same finding', () => {
    const r = forklore('check', example('ch1-wrapper-buggy'), '--json');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe('deadlock');
    const schedule = report.findings[0].schedule as string;
    const again = JSON.parse(forklore('check', example('ch1-wrapper-buggy'), '--json', '--schedule', schedule).stdout);
    expect(again.strategy).toBe('replay');
    expect(again.findings[0].trace).toEqual(report.findings[0].trace);
  });

  it('exits 2 for a missing file, a syntax error (with file:line:column), a bad option value and a diverging schedule', () => {
    const missing = forklore('check', '/nonexistent/prog.ts');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file: \/nonexistent\/prog\.ts/);

    const dir = mkdtempSync(join(tmpdir(), 'forklore-cli-'));
    const broken = join(dir, 'broken.ts');
    writeFileSync(broken, "import { fork } from 'forklore';\nexport default function* main() {\n  const x = ;\n}\n");
    const syntax = forklore('check', broken);
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toMatch(new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+: error: `));

    const bad = forklore('check', example('ch1-wrapper-fixed'), '--max-steps', '-3');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--max-steps needs a value|--max-steps must be a whole number/);

    const diverged = forklore('check', example('ch1-wrapper-fixed'), '--schedule', '1000.4242');
    expect(diverged.status).toBe(2);
    expect(diverged.stderr).toMatch(/the replay diverged at step 1: thread 4242 cannot run; is the program deterministic\?/);
  });
});
