// The forklore CLI: argument parsing, the model and limit options, batches, and the real command
// spawned for its exit statuses.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, parseArgs, worstStatus } from '../../sim/cli.ts';
import { example, forklore as run, root } from './run-cli.ts';

const forklore = (...args: string[]) => run(args);

describe('parseArgs', { timeout: 180_000 }, () => {
  it('reads every option into one options object', () => {
    const p = parseArgs([
      'check',
      'x.ts',
      '--strategy',
      'pct',
      '--runs',
      '50',
      '--seed=3',
      '--depth',
      '2',
      '--max-steps',
      '100',
      '--max-executions',
      '9',
      '--max-time',
      '0',
      '--preemption-bound',
      '1',
      '--json',
      '--libc',
      'glibc-2.7',
      '--futex=blocking',
      '--strict',
      '--no-plash',
      '--time-limit',
      '5',
      '--memory-limit',
      '64',
      '--jobs',
      '3',
      'y.c',
    ]);
    expect(p).toEqual({
      files: ['x.ts', 'y.c'],
      jobs: 3,
      json: true,
      options: {
        strategy: 'pct',
        runs: 50,
        seed: 3,
        depth: 2,
        maxSteps: 100,
        maxExecutions: 9,
        maxTimeMs: 0,
        preemptionBound: 1,
      },
      model: { libc: 'glibc-2.7', futex: 'blocking', strict: true, plash: false },
      limits: { timeMs: 5000, memoryMb: 64 },
    });
  });

  it('takes --schedule to mean the replay strategy', () => {
    expect(parseArgs(['check', 'x.ts', '--schedule', '1000*2.1001'])).toMatchObject({
      options: { strategy: 'replay', schedule: '1000*2.1001' },
    });
  });

  it('rejects unknown options, bad numbers, unknown strategies and malformed schedules with a clear message', () => {
    expect(() => parseArgs(['check', 'x.ts', '--frobnicate'])).toThrow('unknown option --frobnicate');
    expect(() => parseArgs(['check', 'x.ts', '--runs', 'many'])).toThrow(
      '--runs must be a whole number of at least 1 (got "many")',
    );
    expect(() => parseArgs(['check', 'x.ts', '--runs', '0'])).toThrow('--runs must be a whole number of at least 1');
    expect(() => parseArgs(['check', 'x.ts', '--strategy', 'bfs'])).toThrow(
      '--strategy must be one of dpor, enumerate, random, pct, replay (got "bfs")',
    );
    expect(() => parseArgs(['check', 'x.ts', '--schedule', '1000**2'])).toThrow('--schedule: not a schedule string');
    expect(() => parseArgs(['check', 'x.ts', '--strategy', 'replay'])).toThrow('--strategy replay needs --schedule S');
    expect(() => parseArgs(['check'])).toThrow('which program?');
    expect(() => parseArgs(['run', 'x.ts'])).toThrow('unknown command "run"');
    expect(() => parseArgs(['check', 'x.ts', '--libc', 'musl'])).toThrow(
      '--libc must be one of none, glibc-2.7, glibc (got "musl")',
    );
    expect(() => parseArgs(['check', 'x.ts', '--futex', 'fast'])).toThrow(
      '--futex must be one of exact, blocking (got "fast")',
    );
    expect(() => parseArgs(['check', 'x.ts', '--stdout', 'tty'])).toThrow(
      '--stdout must be one of terminal, pipe (got "tty")',
    );
    expect(() => parseArgs(['check', 'x.ts', '--strict=yes'])).toThrow('--strict takes no value');
    expect(() => parseArgs(['check', 'x.ts', '--time-limit', '0'])).toThrow(
      '--time-limit must be a whole number of seconds from 1 to 86400 (got "0")',
    );
    expect(() => parseArgs(['check', 'x.ts', '--jobs', '0'])).toThrow(
      '--jobs must be a whole number from 1 to 64 (got "0")',
    );
    expect(() => parseArgs(['check', 'x.ts', '--memory-limit', '4096'])).toThrow(
      '--memory-limit must be a whole number of MiB from 16 to 1536 (got "4096")',
    );
  });

  it('escapes control characters of a bad value in its message', () => {
    expect(() => parseArgs(['check', 'x.ts', '--libc', 'a\u001b[2Jb'])).toThrow('(got "a\\e[2Jb")');
  });
});

describe('exit status of a batch', { timeout: 180_000 }, () => {
  it('is the worst of its files: failed > bad input > stopped > bug > incomplete > ok', () => {
    expect(worstStatus([EXIT.ok, EXIT.incomplete])).toBe(EXIT.incomplete);
    expect(worstStatus([EXIT.incomplete, EXIT.bug, EXIT.ok])).toBe(EXIT.bug);
    expect(worstStatus([EXIT.bug, EXIT.stopped])).toBe(EXIT.stopped);
    expect(worstStatus([EXIT.stopped, EXIT.badInput])).toBe(EXIT.badInput);
    expect(worstStatus([EXIT.badInput, EXIT.failed, EXIT.ok])).toBe(EXIT.failed);
    expect(worstStatus([EXIT.ok, EXIT.ok])).toBe(EXIT.ok);
  });
});

describe('forklore check', { timeout: 180_000 }, () => {
  it('exits 1 on the r743 wrapper, naming the deadlock, the left-behind lock, the model and the strace log', async () => {
    const r = await forklore('check', example('ch1-wrapper-buggy'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/DEADLOCK/);
    expect(r.stdout).toMatch(/does not exist in process/);
    expect(r.stdout).toMatch(/\[pid \d+\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished \.\.\.>/);
    expect(r.stdout).toMatch(/Schedule: \S+/);
    expect(r.stdout).toMatch(
      /^Model: libc glibc \(the file\), futex exact \(default\), strict off \(default\), plash on \(the file\)\.$/m,
    );
  });

  it('shows program output in the strace log quoted once, with its real length', async () => {
    const r = await forklore('check', example('printf-child-raw'));
    expect(r.stdout).toContain('write(1, "working\\n", 8) = 8');
  });

  it('exits 0 on the r815 wrapper, saying every schedule was explored', async () => {
    const r = await forklore('check', example('ch1-wrapper-fixed'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/OK\. No schedule goes wrong: every schedule was explored\./);
  });

  it('prints the whole report as JSON with --json, and replays its schedule to the same finding', async () => {
    const r = await forklore('check', example('ch1-wrapper-buggy'), '--json');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe('deadlock');
    const schedule = report.findings[0].schedule as string;
    expect(report.model).toEqual({ libc: 'glibc', strict: false, plash: true, futex: 'exact', stdout: 'terminal' });
    expect(report.status).toBe(1);
    const again = JSON.parse(
      (await forklore('check', example('ch1-wrapper-buggy'), '--json', '--schedule', schedule)).stdout,
    );
    expect(again.strategy).toBe('replay');
    expect(again.findings[0].trace).toEqual(report.findings[0].trace);
  });

  it('exits 2 for a missing file, a syntax error (with file:line:column), a bad option value and a diverging schedule', async () => {
    const missing = await forklore('check', '/nonexistent/prog.ts');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such file: \/nonexistent\/prog\.ts/);

    const dir = mkdtempSync(join(tmpdir(), 'forklore-cli-'));
    const broken = join(dir, 'broken.ts');
    writeFileSync(broken, "import { fork } from 'forklore';\nexport default function* main() {\n  const x = ;\n}\n");
    const syntax = await forklore('check', broken);
    expect(syntax.status).toBe(2);
    expect(syntax.stderr).toMatch(new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:\\d+: error: `));

    const bad = await forklore('check', example('ch1-wrapper-fixed'), '--max-steps', '-3');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--max-steps needs a value|--max-steps must be a whole number/);

    const diverged = await forklore('check', example('ch1-wrapper-fixed'), '--schedule', '1000.4242');
    expect(diverged.status).toBe(2);
    expect(diverged.stderr).toMatch(
      /the replay diverged at step 1: thread 4242 cannot run; is the program deterministic\?/,
    );
  });
});

describe('forklore check, many files', { timeout: 180_000 }, () => {
  it('checks every file in one process, one report each, and exits with the worst status', async () => {
    const r = await forklore('check', example('ch1-wrapper-fixed'), example('ch1-wrapper-buggy'), '/nonexistent/x.ts');
    expect(r.status).toBe(EXIT.badInput);
    expect(r.stdout).toMatch(/^ch1-wrapper-fixed: OK\./m);
    expect(r.stdout).toMatch(/^ch1-wrapper-buggy: DEADLOCK\./m);
    expect(r.stderr).toMatch(/no such file: \/nonexistent\/x\.ts/);
    const two = await forklore('check', example('ch1-wrapper-fixed'), example('ch1-wrapper-buggy'));
    expect(two.status).toBe(EXIT.bug);
  });

  it('gives each file a sandbox of its own when one worker checks them one after another', async () => {
    // Each program keeps 40 strings of 1 MiB alive to its end: under a 48 MiB limit one program's fit,
    // two programs' do not (measured: 80 of them stop at the limit). The second file gets a verdict only if the first one's heap is not its heap.
    const dir = mkdtempSync(join(tmpdir(), 'forklore-batch-'));
    const files = ['first', 'second'].map((name) => {
      const file = join(dir, `${name}.ts`);
      writeFileSync(
        file,
        `const kept: string[] = [];\n` +
          `for (let i = 0; i < 40; i++) kept.push('${name}'.padEnd(1024 * 1024, String(i)));\n` +
          `export default function* main() { if (kept.length !== 40) throw new Error('lost'); }\n`,
      );
      return file;
    });
    const r = await forklore('check', ...files, ...files, '--memory-limit', '48', '--json', '--jobs', '1');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.file.split('/').pop(), l.verdict ?? l.error?.message])).toEqual([
      ['first.ts', 'ok'],
      ['second.ts', 'ok'],
      ['first.ts', 'ok'],
      ['second.ts', 'ok'],
    ]);
  });

  it('prints one JSON object per file per line with --json, in the order given, one file at a time or several', async () => {
    const r = await forklore(
      'check',
      example('ch1-wrapper-fixed'),
      example('ch1-wrapper-buggy'),
      '/nonexistent/x.ts',
      '--json',
      '--jobs',
      '3',
    );
    expect(r.status).toBe(EXIT.badInput);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.file.split('/').pop(), l.status, l.verdict ?? 'error'])).toEqual([
      ['ch1-wrapper-fixed.ts', 0, 'ok'],
      ['ch1-wrapper-buggy.ts', 1, 'deadlock'],
      ['x.ts', 2, 'error'],
    ]);
    expect(lines[2].error.message).toMatch(/no such file/);
    const serial = await forklore(
      'check',
      example('ch1-wrapper-fixed'),
      example('ch1-wrapper-buggy'),
      '/nonexistent/x.ts',
      '--json',
      '--jobs',
      '1',
    );
    expect(
      serial.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).status),
    ).toEqual([0, 1, 2]);
  });

  it('checks a mix of kinds in one worker: a file that does not compile, TypeScript and C, in order', async () => {
    // One worker at a time: the one that got ready for the file that does not compile checks the next
    // TypeScript file in its unused sandbox; a C file, and the TypeScript files after it, still get
    // their verdicts, each where it belongs.
    const dir = mkdtempSync(join(tmpdir(), 'forklore-mix-'));
    const bad = join(dir, 'bad.ts');
    writeFileSync(bad, 'export default function* main( {\n');
    const c = join(root, 'content', 'examples', 'intro-held-lock.c');
    const files = [
      bad,
      example('ch1-wrapper-fixed'),
      c,
      example('ch1-wrapper-buggy'),
      bad,
      example('ch1-wrapper-fixed'),
    ];
    const r = await forklore('check', ...files, '--json', '--jobs', '1');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; status: number; verdict?: string });
    expect(lines.map((l) => [l.file.split('/').pop(), l.status, l.verdict ?? 'error'])).toEqual([
      ['bad.ts', 2, 'error'],
      ['ch1-wrapper-fixed.ts', 0, 'ok'],
      ['intro-held-lock.c', 1, 'deadlock'],
      ['ch1-wrapper-buggy.ts', 1, 'deadlock'],
      ['bad.ts', 2, 'error'],
      ['ch1-wrapper-fixed.ts', 0, 'ok'],
    ]);
  });

  it('sends a .c file to the C front end, or says clearly that this build has none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forklore-c-'));
    const file = join(dir, 'p.c');
    writeFileSync(file, 'int main(void) { return 0; }\n');
    const r = await forklore('check', file);
    if (existsSync(join(root, 'sim', 'c', 'index.ts'))) {
      expect(r.stderr).not.toMatch(/C support is not in this build/);
    } else {
      expect(r.status).toBe(EXIT.badInput);
      expect(r.stderr).toMatch(/C support is not in this build/);
    }
  });
});

describe('the command is built once', { timeout: 180_000 }, () => {
  it('starts the build in build/cli/ without rebuilding it when no source changed', async () => {
    await forklore('check', example('ch1-wrapper-fixed'));
    const before = statSync(join(root, 'build', 'cli', 'forklore.mjs')).mtimeMs;
    const r = await forklore('check', example('ch1-wrapper-fixed'));
    expect(r.status).toBe(0);
    expect(statSync(join(root, 'build', 'cli', 'forklore.mjs')).mtimeMs).toBe(before);
  });
});

describe('forklore check, a thread stuck waiting for a signal', () => {
  it('reports sigsuspend and sigwait with no sender as a deadlock naming the call, from C and from TypeScript', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forklore-sig-'));
    const c = join(dir, 'suspend.c');
    writeFileSync(
      c,
      '#include <signal.h>\nint main(void) {\n  sigset_t none;\n  sigemptyset(&none);\n  sigsuspend(&none);\n  return 0;\n}\n',
    );
    const ts = join(dir, 'wait.ts');
    writeFileSync(
      ts,
      "import { pthread_sigmask, SIG_BLOCK, sigwait } from 'forklore';\nexport default function* main() {\n  yield* pthread_sigmask(SIG_BLOCK, ['SIGUSR1']);\n  yield* sigwait(['SIGUSR1']);\n}\n",
    );
    const suspended = await forklore('check', c);
    expect(suspended.status).toBe(1);
    expect(suspended.stdout).toMatch(/waits in sigsuspend for a signal that no thread sends/);
    const waiting = await forklore('check', ts);
    expect(waiting.status).toBe(1);
    expect(waiting.stdout).toMatch(/waits in sigwait for SIGUSR1, which no thread sends/);
  });
});
