// stdout and stderr buffered as glibc 2.36 buffers them (sim/api/stdio.ts), seen from C. The rule is
// libio/filedoalloc.c _IO_file_doallocate: at a stream's first output, fstat its descriptor; a terminal
// makes it line buffered (the buffer is st_blksize, 1024 on a pty), anything else fully buffered
// (BUFSIZ 8192, or st_blksize when smaller: 4096 for a pipe or a file). stderr is _IO_UNBUFFERED
// (libio/stdfiles.c). exit flushes (libio/genops.c _IO_cleanup), _exit does not, fork copies the buffer,
// exec drops it. setvbuf (libio/iosetvbuf.c), setbuf, setbuffer (iosetbuffer.c) and setlinebuf change
// the mode. Measured on this machine's glibc by tests/reality/stdio.test.ts.
import { describe, expect, it } from 'vitest';
import type { Program, ProgramOptions } from '../../sim/types.ts';
import type { Run } from '../../sim/types.ts';
import { compileOrThrow } from './c-helpers.ts';
import { finished, runFirst, searchRuns, stdoutOf } from '../sim/world-helpers.ts';

const HDR = `#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
`;

async function compile(src: string, options: ProgramOptions = {}): Promise<Program> {
  const p = await compileOrThrow(`${HDR}${src}`, 'buffering.c');
  return { ...p, options: { ...p.options, ...options } };
}

/** The write(2)s of fd `fd`, in order, with the pid that made each. */
function writes(run: Run, fd = 1): string[] {
  return run
    .trace()
    .filter((e) => e.type === 'io.write' && e.fd === fd)
    .map((e) => `${e.pid}:${(e as { text: string }).text}`);
}

/** Every finished execution's output to the terminal or pipe (writes to fd 1, and to fd 3 when no dup2 is made). */
function outputs(p: Program): string[] {
  const { report, runs } = searchRuns(p, { strategy: 'dpor', stopAtFirst: false, maxExecutions: 2000 });
  expect(report.completeness.complete).toBe(true);
  const out = (r: Run) =>
    r
      .trace()
      .filter((e) => e.type === 'io.write' && (e.fd === 1 || e.fd === 3))
      .map((e) => (e as { text: string }).text)
      .join('');
  return [...new Set(finished(runs).map(out))].sort();
}

const PRINT_THEN_FORK = `
int main(void) {
  printf("hello\\n");
  pid_t pid = fork();
  if (pid == 0) return 0;            /* exit: _IO_cleanup flushes the child's copy */
  waitpid(pid, NULL, 0);
  return 0;
}`;

describe('stdout: the mode decided at its first output', () => {
  it('on a terminal (the default) a line goes out at its newline: print-then-fork prints once', async () => {
    const p = await compile(PRINT_THEN_FORK);
    expect(outputs(p)).toEqual(['hello\n']);
    expect(writes(runFirst(p))).toEqual(['1000:hello\n']);
  });

  it('into a pipe stdout is fully buffered: the child gets a copy of the line and its exit prints it again', async () => {
    const p = await compile(PRINT_THEN_FORK, { stdout: 'pipe' });
    expect(outputs(p)).toEqual(['hello\nhello\n']);
    // The child's exit first (the parent waits for it), then the parent's.
    expect(writes(runFirst(p))).toEqual(['1001:hello\n', '1000:hello\n']);
  });

  it('a child that ends with _exit does not flush: once; fflush before fork: once', async () => {
    const exitless = await compile(
      `int main(void) { printf("a\\n"); pid_t pid = fork(); if (pid == 0) _exit(0); waitpid(pid, NULL, 0); return 0; }`,
      { stdout: 'pipe' },
    );
    expect(outputs(exitless)).toEqual(['a\n']);
    const flushed = await compile(
      `int main(void) { printf("a\\n"); fflush(stdout); pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0; }`,
      { stdout: 'pipe' },
    );
    expect(outputs(flushed)).toEqual(['a\n']);
    expect(writes(runFirst(flushed))).toEqual(['1000:a\n']);
  });

  it('the first output fstats fd 1; its st_blksize is the buffer: 1024 on the terminal, 4096 for a pipe', async () => {
    // 1500 bytes and no newline: the terminal's 1024-byte buffer fills and goes out, the rest waits
    // for exit; a pipe's 4096 bytes hold it all.
    const src = `int main(void) { char s[1501]; memset(s, 'x', 1500); s[1500] = 0; printf("%s", s); return 0; }`;
    for (const [mode, blksize, sizes] of [
      ['terminal', 1024, [1024, 476]],
      ['pipe', 4096, [1500]],
    ] as const) {
      const run = runFirst(await compile(src, { stdout: mode }));
      const fstat = run.trace().find((e) => e.type === 'sys.file' && (e as { call: string }).call === 'fstat');
      expect((fstat as { args?: string } | undefined)?.args).toContain(`st_blksize=${blksize}`);
      expect(writes(run).map((w) => w.length - '1000:'.length)).toEqual(sizes);
    }
  });

  it('a full buffer goes out when the next text does not fit (4096 bytes into a pipe), the rest stays', async () => {
    const p = await compile(
      `int main(void) {
  char line[1001];
  memset(line, 'x', 1000); line[1000] = 0;
  for (int i = 0; i < 5; i++) printf("%s", line);
  _exit(0);
}`,
      { stdout: 'pipe' },
    );
    const w = writes(runFirst(p)).map((s) => s.length - '1000:'.length);
    expect(w).toEqual([4096]);
  });

  it("a child replays its parent's calls through the buffer: 50 of 100 bytes, then fork, 904 twice", async () => {
    const p = await compile(
      `int main(void) {
  for (int i = 0; i < 50; i++) printf("%s", "${'x'.repeat(100)}");
  pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0;
}`,
      { stdout: 'pipe' },
    );
    const run = runFirst(p);
    expect(writes(run).map((w) => w.length - '1000:'.length)).toEqual([4096, 904, 904]);
  });

  it('on the terminal, text without a newline waits in the buffer until exit', async () => {
    const p = await compile(
      `int main(void) { printf("no newline"); pid_t pid = fork(); if (pid == 0) _exit(0); waitpid(pid, NULL, 0); return 0; }`,
    );
    expect(writes(runFirst(p))).toEqual(['1000:no newline']);
  });

  it("a dup2 onto fd 1 after the first output keeps the terminal's line buffering (glibc checks at allocation)", async () => {
    const src = (before: boolean) => `
int main(void) {
  int fd = open("out.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
  ${before ? 'dup2(fd, 1);' : ''}
  printf("first\\n");
  ${before ? '' : 'dup2(fd, 1);'}
  printf("second\\n");
  pid_t pid = fork();
  if (pid == 0) return 0;
  waitpid(pid, NULL, 0);
  fflush(stdout);
  char buf[64] = {0};
  pread(fd, buf, sizeof buf - 1, 0);
  dprintf(2, "%s", buf);
  return 0;
}`;
    // After: line buffered, so "second" is in the file once. Before: the file's full buffering, so the
    // child's copy of both lines goes out again at its exit.
    const after = runFirst(await compile(src(false)));
    expect(writes(after, 2)).toEqual(['1000:second\n']);
    expect(writes(after, 1)).toEqual(['1000:first\n', '1000:second\n']);
    const before = runFirst(await compile(src(true)));
    expect(writes(before, 2)).toEqual(['1000:first\nsecond\nfirst\nsecond\n']);
  });

  it('exec drops what the buffer holds; stderr is unbuffered: each call is a write', async () => {
    const p = await compile(
      `int main(void) { fprintf(stderr, "e1"); fprintf(stderr, "e2\\n"); printf("lost"); execl("/bin/true", "true", (char *) 0); return 1; }`,
      { stdout: 'pipe' },
    );
    const run = runFirst(p);
    expect(writes(run, 2)).toEqual(['1000:e1', '1000:e2\n']);
    expect(writes(run, 1)).toEqual([]);
  });
});

describe('stdin: reading it flushes a line-buffered stdout, and end of file is sticky', () => {
  const PROMPT = `int main(void) {
  printf("? ");
  char b[8];
  fgets(b, sizeof b, stdin);
  fgets(b, sizeof b, stdin);
  _exit(0);
}`;
  const locks = (run: Run) =>
    run
      .trace()
      .filter((e) => e.type === 'mutex.lock' && /^std(in|out)_lock$/.test((e as { lock: { name: string } }).lock.name))
      .map((e) => (e as { lock: { name: string } }).lock.name);

  it("on the terminal the prompt goes out before the read, under stdout's lock inside stdin's", async () => {
    const run = runFirst(await compile(PROMPT));
    expect(writes(run)).toEqual(['1000:? ']);
    // printf; the first fgets: stdin's lock, then stdout's for the flush; the second fgets meets the
    // end of file already seen and reads nothing (libio/fileops.c: "C99 requires EOF to be sticky").
    expect(locks(run)).toEqual(['stdout_lock', 'stdin_lock', 'stdout_lock', 'stdin_lock']);
  });

  it('into a pipe stdout is not line buffered: the prompt stays in the buffer and _exit drops it', async () => {
    const run = runFirst(await compile(PROMPT, { stdout: 'pipe' }));
    expect(writes(run)).toEqual([]);
    // stdin is still the terminal, so it still takes stdout's lock to look.
    expect(locks(run)).toEqual(['stdout_lock', 'stdin_lock', 'stdout_lock', 'stdin_lock']);
  });

  it('getline at end of file is -1', async () => {
    const p = await compile(
      `int main(void) { char *l = NULL; size_t n = 0; printf("%ld\\n", (long) getline(&l, &n, stdin)); return 0; }`,
    );
    expect(stdoutOf(runFirst(p))).toBe('-1\n');
  });
});

describe('setvbuf, setbuf, setbuffer, setlinebuf', () => {
  it('setvbuf(stdout, NULL, _IONBF, 0) into a pipe: every call written at once, nothing doubled by fork', async () => {
    const p = await compile(
      `int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("a"); printf("b\\n");
  pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0;
}`,
      { stdout: 'pipe' },
    );
    expect(writes(runFirst(p))).toEqual(['1000:a', '1000:b\n']);
    expect(outputs(p)).toEqual(['ab\n']);
  });

  it('setlinebuf into a pipe makes it line buffered; setvbuf _IOFBF on the terminal makes it fully buffered', async () => {
    const lb = await compile(
      `int main(void) { setlinebuf(stdout); printf("a\\n"); pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0; }`,
      { stdout: 'pipe' },
    );
    expect(outputs(lb)).toEqual(['a\n']);
    const fb = await compile(
      `int main(void) { setvbuf(stdout, NULL, _IOFBF, 0); printf("a\\n"); pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0; }`,
    );
    expect(outputs(fb)).toEqual(['a\na\n']);
  });

  it('setbuf with a buffer of BUFSIZ, and setbuffer with a small one, buffer fully in that size', async () => {
    const p = await compile(
      `static char small[8];
int main(void) { setbuffer(stdout, small, sizeof small); printf("0123456789"); printf("ab"); _exit(0); }`,
    );
    // The first call: whole 8-byte blocks straight out ("try to maintain alignment" needs 128 bytes,
    // so all ten go), the second stays in the buffer and _exit drops it.
    expect(writes(runFirst(p))).toEqual(['1000:0123456789']);
    const q = await compile(`static char big[BUFSIZ];
int main(void) { setbuf(stdout, big); printf("x\\n"); pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0; }`);
    expect(outputs(q)).toEqual(['x\nx\n']);
  });

  it('setvbuf on a stream fopen made: _IONBF writes each fputs at once', async () => {
    const p = await compile(`int main(void) {
  FILE *f = fopen("log", "w");
  setvbuf(f, NULL, _IONBF, 0);
  fputs("a", f); fputs("b", f);
  int fd = open("log", O_RDONLY); char buf[8] = {0}; read(fd, buf, 7);
  printf("%s\\n", buf);
  _exit(0);
}`);
    expect(writes(runFirst(p))).toEqual(['1000:ab\n']);
  });

  it('an unknown mode is EOF', async () => {
    const p = await compile(`int main(void) { printf("%d\\n", setvbuf(stdout, NULL, 7, 0)); return 0; }`);
    expect(stdoutOf(runFirst(p))).toBe('-1\n');
  });
});

describe('a stream fopen or fdopen made is allocated by the same rule', () => {
  const SRC = `int main(void) {
  FILE *f = fdopen(dup(1), "w");
  fputs("via fdopen\\n", f);
  pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0;
}`;
  it('fdopen of the terminal is line buffered (the line goes out once); of a pipe, fully (twice)', async () => {
    expect(outputs(await compile(SRC))).toEqual(['via fdopen\n']);
    expect(outputs(await compile(SRC, { stdout: 'pipe' }))).toEqual(['via fdopen\nvia fdopen\n']);
  });
});

describe('fflush(NULL) and exit', () => {
  it('fflush(NULL) writes stdout out before a fork: once', async () => {
    const p = await compile(
      `int main(void) { printf("a\\n"); fflush(NULL); pid_t pid = fork(); if (pid == 0) return 0; waitpid(pid, NULL, 0); return 0; }`,
      { stdout: 'pipe' },
    );
    expect(outputs(p)).toEqual(['a\n']);
  });

  it("a thread that prints while main's exit runs is not lost: _IO_unbuffer_all flushes and unbuffers stdout", async () => {
    const p = await compile(
      `#include <pthread.h>
static void *t(void *a) { (void) a; printf("t\\n"); return NULL; }
int main(void) { printf("m\\n"); pthread_t th; pthread_create(&th, NULL, t, NULL); return 0; }`,
      { stdout: 'pipe' },
    );
    const { report, runs } = searchRuns(p, { strategy: 'dpor', stopAtFirst: false, maxExecutions: 5000 });
    expect(report.completeness.complete).toBe(true);
    const seen = new Set<string>();
    let late = 0;
    for (const run of finished(runs)) {
      const t = run.trace();
      const printed = t.some(
        (e) => e.tid === 1001 && e.type === 'libc.call' && e.fn === 'printf' && e.phase === 'leave',
      );
      // A printf that finished before exit_group has its line out: flushed by _IO_flush_all_lockp, by
      // _IO_unbuffer_all's setbuf, or written at once after it. (One cut short by exit_group may be out
      // too: its write came before its unlock.)
      if (printed) expect(stdoutOf(run)).toBe('m\nt\n');
      if (printed)
        late +=
          t.findIndex((e) => e.type === 'libc.call' && e.fn === 'exit') <
          t.findLastIndex((e) => e.tid === 1001 && e.type === 'libc.call' && e.fn === 'printf')
            ? 1
            : 0;
      seen.add(stdoutOf(run));
    }
    expect([...seen].sort()).toEqual(['m\n', 'm\nt\n']);
    // Some of those printf calls ran inside main's exit, after its first flush.
    expect(late).toBeGreaterThan(0);
  });

  it('a thread printing while another forks: the child has whatever the buffer held at the fork', async () => {
    const p = await compile(
      `#include <pthread.h>
static void *t(void *a) { (void) a; printf("t\\n"); return NULL; }
int main(void) {
  pthread_t th; pthread_create(&th, NULL, t, NULL);
  pid_t pid = fork();
  if (pid == 0) return 0;
  waitpid(pid, NULL, 0);
  pthread_join(th, NULL);
  return 0;
}`,
      { stdout: 'pipe' },
    );
    // Before the fork the line is in both copies (printed twice); after it, only in the parent's.
    expect(outputs(p)).toEqual(['t\n', 't\nt\n']);
  });
});
