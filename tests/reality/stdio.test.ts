// stdout's buffering on this machine's Linux and glibc beside the model's (sim/api/stdio.ts). Each
// program is compiled with gcc and run twice over: with stdout a pipe (the model's stdout 'pipe'), and
// on a pseudo-terminal made by util-linux `script` (the model's default, 'terminal'). What reached
// stdout must be what the model prints in every schedule it explores. The rule on both sides is glibc
// 2.36's libio/filedoalloc.c _IO_file_doallocate: a terminal makes stdout line buffered, anything
// else fully buffered; fork copies the buffer and each exit writes its copy out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileC } from '../../sim/c/index.ts';
import type { ProgramOptions, Run } from '../../sim/types.ts';
import { finished, searchRuns } from '../sim/world-helpers.ts';
import { compileFile, scratch } from './lib.ts';

const HAVE_SCRIPT = spawnSync('script', ['--version']).status === 0;

/** Runs `argv` with stdin on /dev/null and stdout a pipe; what came out of stdout, or a timeout. */
function capture(argv: string[], cwd: string, timeoutMs = 10_000): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (d: string) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')}: no end within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ stdout: out, status });
    });
  });
}

/** The program's stdout on a pty: `script` runs it on one and copies the pty's output ("\n" becomes "\r\n"). */
async function onPty(binary: string, cwd: string): Promise<string> {
  const r = await capture(['script', '-qec', binary, '/dev/null'], cwd);
  return r.stdout.replace(/\r\n/g, '\n');
}

/**
 * What reached the first process's stdout in a model run: the writes to fd 1 up to the first dup2 onto
 * fd 1 (the cases that make one do it before they fork), and those to fd 3, the dup of fd 1 they keep.
 */
function stdoutOfRun(run: Run): string {
  const t = run.trace();
  const d = t.findIndex((e) => e.type === 'fd.dup2' && (e as { to?: number }).to === 1);
  return t
    .filter((e, i) => e.type === 'io.write' && ((e.fd === 1 && (d < 0 || i < d)) || e.fd === 3))
    .map((e) => (e as { text: string }).text)
    .join('');
}

/** Every distinct stdout of the model's executions of `source` under `stdout` (DPOR, all schedules). */
async function modelOutputs(source: string, stdout: 'terminal' | 'pipe'): Promise<string[]> {
  const r = await compileC(source, 'stdio.c');
  if (!r.ok) throw new Error(`stdio.c:${r.error.line}:${r.error.column}: ${r.error.message}`);
  const options: ProgramOptions = { ...r.program.options, stdout };
  const { report, runs } = searchRuns(
    { ...r.program, options },
    { strategy: 'dpor', stopAtFirst: false, maxExecutions: 2000 },
  );
  expect(report.completeness.complete).toBe(true);
  return [...new Set(finished(runs).map(stdoutOfRun))].sort();
}

const HDR = `#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
`;
const FORK_AND_WAIT = `  pid_t pid = fork();
  if (pid == 0) return 0;
  waitpid(pid, NULL, 0);
  return 0;`;

interface Case {
  name: string;
  body: string;
  /** What Linux prints with stdout a pipe, and on a terminal: the facts the test states. */
  pipe: string;
  terminal: string;
}

const CASES: Case[] = [
  {
    name: 'print-then-fork',
    body: `int main(void) {\n  printf("hello\\n");\n${FORK_AND_WAIT}\n}`,
    pipe: 'hello\nhello\n',
    terminal: 'hello\n',
  },
  {
    name: 'print-then-fork, the child ends with _exit',
    body: `int main(void) {\n  printf("hello\\n");\n  pid_t pid = fork();\n  if (pid == 0) _exit(0);\n  waitpid(pid, NULL, 0);\n  return 0;\n}`,
    pipe: 'hello\n',
    terminal: 'hello\n',
  },
  {
    name: 'text without a newline, then fork',
    body: `int main(void) {\n  printf("no newline ");\n${FORK_AND_WAIT}\n}`,
    pipe: 'no newline no newline ',
    terminal: 'no newline no newline ',
  },
  {
    name: 'fflush(stdout) before fork',
    body: `int main(void) {\n  printf("hello\\n");\n  fflush(stdout);\n${FORK_AND_WAIT}\n}`,
    pipe: 'hello\n',
    terminal: 'hello\n',
  },
  {
    name: 'setvbuf(stdout, NULL, _IONBF, 0)',
    body: `int main(void) {\n  setvbuf(stdout, NULL, _IONBF, 0);\n  printf("a");\n  printf("b\\n");\n${FORK_AND_WAIT}\n}`,
    pipe: 'ab\n',
    terminal: 'ab\n',
  },
  {
    name: 'setlinebuf(stdout)',
    body: `int main(void) {\n  setlinebuf(stdout);\n  printf("line\\n");\n${FORK_AND_WAIT}\n}`,
    pipe: 'line\n',
    terminal: 'line\n',
  },
  {
    name: 'setvbuf(stdout, NULL, _IOFBF, 0)',
    body: `int main(void) {\n  setvbuf(stdout, NULL, _IOFBF, 0);\n  printf("full\\n");\n${FORK_AND_WAIT}\n}`,
    pipe: 'full\nfull\n',
    terminal: 'full\nfull\n',
  },
  {
    // 50 calls of 100 bytes: into a pipe the 4096-byte buffer goes out when the 41st does not fit, on
    // the terminal the 1024-byte one each time it fills; either way 904 bytes (5000 - 4096, and
    // 5000 - 4 * 1024) are in the buffer at the fork, and each exit writes its copy.
    name: 'more than a buffer, then fork',
    body: `int main(void) {\n  for (int i = 0; i < 50; i++) printf("%s", "${'x'.repeat(100)}");\n${FORK_AND_WAIT}\n}`,
    pipe: 'x'.repeat(5000 + 904),
    terminal: 'x'.repeat(5000 + 904),
  },
  {
    // A stream fdopen makes is allocated by the same rule, on its own descriptor (a dup of fd 1).
    name: 'fdopen(dup(1)), a line, then fork',
    body: `int main(void) {\n  FILE *f = fdopen(dup(1), "w");\n  fputs("via fdopen\\n", f);\n${FORK_AND_WAIT}\n}`,
    pipe: 'via fdopen\nvia fdopen\n',
    terminal: 'via fdopen\n',
  },
  {
    // Reading a line-buffered stdin (a terminal) first writes out a line-buffered stdout
    // (_IO_new_file_underflow): the prompt shows before the read, and _exit cannot lose it. Into a
    // pipe stdout is not line buffered, so the prompt is still in the buffer when _exit drops it.
    name: 'a prompt without a newline, then fgets(stdin) at end of file, then _exit',
    body: `int main(void) {
  printf("? ");
  char b[8];
  char *r = fgets(b, sizeof b, stdin);
  dprintf(1, "[%s]", r ? "line" : "eof");
  _exit(0);
}`,
    pipe: '[eof]',
    terminal: '? [eof]',
  },
  {
    // The mode is decided at the first output (the fstat in _IO_file_doallocate): a dup2 of a file onto
    // fd 1 after it keeps the terminal's line buffering, and a line written then is in the file once.
    name: 'dup2 of a file onto stdout after the first output',
    body: `int main(void) {
  int keep = dup(1);
  int fd = open("out.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
  printf("first\\n");
  dup2(fd, 1);
  printf("second\\n");
  pid_t pid = fork();
  if (pid == 0) return 0;
  waitpid(pid, NULL, 0);
  fflush(stdout);
  char buf[128] = {0};
  pread(fd, buf, sizeof buf - 1, 0);
  dprintf(keep, "[file: %s]\\n", buf);
  return 0;
}`,
    // Into a pipe both lines are still in the buffer at the dup2, so they go to the file, twice.
    pipe: '[file: first\nsecond\nfirst\nsecond\n]\n',
    terminal: 'first\n[file: second\n]\n',
  },
  {
    name: 'dup2 of a file onto stdout before the first output',
    body: `int main(void) {
  int keep = dup(1);
  int fd = open("out.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
  dup2(fd, 1);
  printf("line\\n");
  pid_t pid = fork();
  if (pid == 0) return 0;
  waitpid(pid, NULL, 0);
  fflush(stdout);
  char buf[128] = {0};
  pread(fd, buf, sizeof buf - 1, 0);
  dprintf(keep, "[file: %s]\\n", buf);
  return 0;
}`,
    pipe: '[file: line\nline\n]\n',
    terminal: '[file: line\nline\n]\n',
  },
];

describe('stdout buffering: Linux and the model print the same', () => {
  let dir = '';
  const binaries = new Map<string, string>();
  beforeAll(async () => {
    dir = scratch();
    for (const [i, c] of CASES.entries()) {
      const src = join(dir, `case${i}.c`);
      writeFileSync(src, `${HDR}${c.body}\n`);
      const r = await compileFile(src, join(dir, `case${i}`));
      if (!r.ok) throw new Error(`${c.name}: ${r.message}`);
      binaries.set(c.name, r.binary);
    }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(`${c.name}: stdout a pipe`, async () => {
      const real = await capture([binaries.get(c.name)!], dir);
      expect(real.status).toBe(0);
      expect(real.stdout, 'Linux').toBe(c.pipe);
      expect(await modelOutputs(`${HDR}${c.body}\n`, 'pipe'), 'the model, stdout pipe').toEqual([c.pipe]);
    }, 30_000);

    it.skipIf(!HAVE_SCRIPT)(
      `${c.name}: stdout a terminal (a pty from script)`,
      async () => {
        expect(await onPty(binaries.get(c.name)!, dir), 'Linux').toBe(c.terminal);
        expect(await modelOutputs(`${HDR}${c.body}\n`, 'terminal'), 'the model, stdout terminal').toEqual([c.terminal]);
      },
      30_000,
    );
  }
});
