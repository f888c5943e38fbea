// Regular files and glibc's test support library from C. The file rules (sim/world/ops/file.ts,
// tests/sim/world-file.test.ts) seen from C: the offset an inherited descriptor shares (man 2 fork), O_APPEND
// (man 2 open), errno from open/unlink, mkstemp's template, the <string.h> calls that move bytes. The
// support library's failure record is in MAP_SHARED memory (support/support_record_failure.c), so a
// failure reported by a child process makes the test's exit status 1 (support_report_failure).
import { describe, expect, it } from 'vitest';
import type { Program } from '../../sim/types.ts';
import { compileOrThrow } from './c-helpers.ts';
import { finished, mainExit, runFirst, searchRuns, stdoutOf as stdout } from '../sim/world-helpers.ts';

const HDR = `#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
`;

const compile = (src: string, hdr = HDR): Promise<Program> => compileOrThrow(`${hdr}${src}`, 'files.c');

/** Every finished execution's stdout and exit status, under DPOR and under plain enumeration (the same). */
function outcomes(p: Program): string[] {
  const by = (strategy: 'dpor' | 'enumerate') => {
    const { report, runs } = searchRuns(p, { strategy, stopAtFirst: false, maxExecutions: 5000 });
    expect(report.completeness.complete).toBe(true);
    return [...new Set(finished(runs).map((r) => `${stdout(r)}[${mainExit(r)?.status}]`))].sort();
  };
  const d = by('dpor');
  expect(d).toEqual(by('enumerate'));
  return d;
}

describe('regular files from C', () => {
  it("a child's write through an inherited descriptor moves the parent's offset; both writes are kept", async () => {
    const p = await compile(`
int main(void) {
  int fd = open("/tmp/log", O_RDWR | O_CREAT | O_TRUNC, 0600);
  pid_t pid = fork();
  if (pid == 0) { write(fd, "c", 1); _exit(0); }
  write(fd, "p", 1);
  waitpid(pid, NULL, 0);
  char buf[8] = {0};
  pread(fd, buf, sizeof buf - 1, 0);
  printf("%s %ld\\n", buf, (long) lseek(fd, 0, SEEK_CUR));
  return 0;
}`);
    expect(outcomes(p)).toEqual(['cp 2\n[0]', 'pc 2\n[0]']);
  });

  it('without a shared description the second write overwrites the first; O_APPEND keeps both', async () => {
    const src = (flags: string) => `
int main(void) {
  int a = open("f", O_WRONLY | O_CREAT | O_TRUNC${flags}, 0600);
  pid_t pid = fork();
  if (pid == 0) { int b = open("f", O_WRONLY${flags}); write(b, "BB", 2); _exit(0); }
  write(a, "A", 1);
  waitpid(pid, NULL, 0);
  struct stat st;
  fstat(a, &st);
  printf("%ld\\n", (long) st.st_size);
  return 0;
}`;
    expect(outcomes(await compile(src('')))).toEqual(['2\n[0]']);
    expect(outcomes(await compile(src(' | O_APPEND')))).toEqual(['3\n[0]']);
  });

  it('errno: ENOENT for a missing name, EEXIST for O_EXCL, ESPIPE for lseek on a pipe; mkstemp fills its template', async () => {
    const run = runFirst(
      await compile(`
int main(void) {
  int r1 = open("/nope", O_RDONLY);
  int e1 = errno;
  char name[] = "/tmp/fooXXXXXX";
  int fd = mkstemp(name);
  int r2 = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  int e2 = errno;
  int p[2];
  pipe(p);
  off_t r3 = lseek(p[0], 0, SEEK_CUR);
  int e3 = errno;
  unlink(name);
  int r4 = unlink(name);
  printf("%d %d %d %d %ld %d %d %d %d %zu\\n", r1, e1, fd, r2, (long) r3, e3 == ESPIPE, e2 == EEXIST, r4, errno == ENOENT,
         strlen(name));
  return strncmp(name, "/tmp/foo", 8) != 0 || strchr(name, 'X') != NULL;
}`),
    );
    expect(stdout(run)).toBe('-1 2 3 -1 -1 1 1 -1 1 14\n');
    expect(run.trace().find((e) => e.type === 'proc.exit')).toMatchObject({ status: 0 });
  });

  it('memcpy, mempcpy, memset, memcmp, strcpy and strcat move the bytes they name', async () => {
    const run = runFirst(
      await compile(`
int main(void) {
  char *s = malloc(32);
  char *e = mempcpy(mempcpy(s, "/tmp", 4), "/forkXXXXXX", sizeof ("/forkXXXXXX"));
  char t[16];
  memset(t, 'z', sizeof t);
  memcpy(t, "ab", 3);
  strcat(t, "cd");
  int same = memcmp(t, "abcd", 5);
  int less = memcmp("abc", "abd", 3) < 0;
  char u[8];
  strcpy(u, t);
  printf("%s %ld %s %d %d %s %c\\n", s, (long) (e - s), t, same, less, u, t[6]);
  return 0;
}`),
    );
    expect(stdout(run)).toBe('/tmp/forkXXXXXX 16 abcd 0 1 abcd z\n');
  });
});

describe('stdio streams on files', () => {
  it("fork copies a FILE's buffer: the bytes printed before the fork reach the file twice", async () => {
    // Measured on Linux with glibc 2.36 (gcc, this program): the file holds both copies.
    const p = await compile(`
int main(void) {
  FILE *f = fopen("/tmp/out.txt", "w");
  if (f == NULL) return 1;
  fprintf(f, "before fork %d\\n", 1);
  pid_t p = fork();
  if (p == 0) { fputs("child\\n", f); return 0; }
  waitpid(p, NULL, 0);
  fprintf(f, "parent\\n");
  fclose(f);
  FILE *r = fopen("/tmp/out.txt", "r");
  char line[64];
  while (fgets(line, sizeof line, r) != NULL) printf("> %s", line);
  return fclose(r);
}`);
    expect(outcomes(p)).toEqual(['> before fork 1\n> child\n> before fork 1\n> parent\n[0]']);
  });

  it('a full buffer goes out by write(2) at once; exit flushes the rest without fclose; fflush (NULL) flushes every stream', async () => {
    const run = runFirst(
      await compile(`
int main(void) {
  FILE *a = fopen("a", "w");
  FILE *b = fopen("b", "a+");
  char block[5000];
  memset(block, 'x', sizeof block);
  fwrite(block, 1, sizeof block, a);
  fputc('y', b);
  fflush(NULL);
  fputs("tail", a);
  return 0;
}`),
    );
    const writes = run
      .trace()
      .filter((e) => e.type === 'io.write')
      .map((e) => `${(e as { fd: number }).fd}:${(e as { text: string }).text.length}`);
    // 4096 at the fwrite, b's byte then a's 904 at fflush (NULL), newest stream first; "tail" at exit.
    expect(writes).toEqual(['3:4096', '4:1', '3:904', '3:4']);
  });

  it('ftell, rewind, fgetc, fseek, fgets, feof, getc up to EOF, fdopen: the lines Linux prints', async () => {
    // The same program built with gcc on Linux (glibc 2.36) prints exactly these lines.
    const run = runFirst(
      await compile(`
int main(void) {
  FILE *f = fopen("/tmp/f4.txt", "w+");
  fputs("hello world\\n", f);
  printf("tell %ld\\n", ftell(f));
  rewind(f);
  int c = fgetc(f);
  printf("first %c tell %ld\\n", c, ftell(f));
  fseek(f, 6, SEEK_SET);
  char buf[16];
  fgets(buf, sizeof buf, f);
  printf("rest %s", buf);
  printf("eof %d\\n", feof(f));
  while ((c = getc(f)) != EOF) putchar(c);
  printf("eof %d\\n", feof(f));
  fclose(f);
  int fd = open("/tmp/f4.txt", O_WRONLY | O_APPEND);
  FILE *g = fdopen(fd, "a");
  fprintf(g, "more\\n");
  fclose(g);
  FILE *r = fopen("/tmp/f4.txt", "r");
  while (fgets(buf, sizeof buf, r)) printf("> %s", buf);
  fclose(r);
  return 0;
}`),
    );
    expect(stdout(run)).toBe('tell 12\nfirst h tell 1\nrest world\neof 0\neof 1\n> hello world\n> more\n');
  });

  it("fgets, getc and fread on stdin read the model's standard input, which is empty: end of file", async () => {
    // As the same program run with gcc and < /dev/null prints.
    const run = runFirst(
      await compile(`
int main(void) {
  char buf[32];
  if (fgets(buf, sizeof buf, stdin) == NULL) printf("eof\\n");
  printf("%d %zu\\n", getc(stdin) == EOF, fread(buf, 1, 4, stdin));
  return 0;
}`),
    );
    expect(stdout(run)).toBe('eof\n1 0\n');
    // stdin's FILE lock, taken by each call.
    expect(run.trace().filter((e) => e.type === 'mutex.lock' && e.lock.name === 'stdin_lock').length).toBe(3);
  });

  it('fopen of a missing file for reading is NULL with ENOENT; a bad mode is an error naming it', async () => {
    const run = runFirst(
      await compile(
        `int main(void) { FILE *f = fopen("/none", "r"); printf("%d %d\\n", f == NULL, errno == ENOENT); return 0; }`,
      ),
    );
    expect(stdout(run)).toBe('1 1\n');
    const bad = runFirst(await compile(`int main(void) { fopen("/x", "q"); return 0; }`));
    expect(
      bad
        .findings()
        .map((f) => f.message)
        .join(),
    ).toMatch(/fopen mode "q": it starts with r, w or a/);
  });
});

describe("glibc's test support library", () => {
  const SUPPORT = `#include <support/check.h>
#include <support/xunistd.h>
#include <stdlib.h>
`;
  it('a TEST_COMPARE that fails in a child counts for the parent: the record is shared memory', async () => {
    const p = await compile(
      `
static int do_test (void) {
  pid_t pid = xfork ();
  if (pid == 0) { TEST_COMPARE (getpid (), 0); _exit (0); }
  int status;
  xwaitpid (pid, &status, 0);
  TEST_VERIFY (WIFEXITED (status));
  return 0;
}
#include <support/test-driver.c>
`,
      SUPPORT,
    );
    const [out] = outcomes(p);
    expect(out).toBe(
      'files.c:7: numeric comparison failure\n   left: 1001 (0x3e9); from: getpid ()\n  right: 0 (0x0); from: 0\nerror: 1 test failures\n[1]',
    );
  });

  it('passing checks leave the status do_test returns; TEST_VERIFY_EXIT and FAIL_EXIT1 end the process with 1', async () => {
    const ok = await compile(
      `static int do_test (void) { TEST_COMPARE (1 + 1, 2); TEST_VERIFY (1); return 0; }
#include <support/test-driver.c>
`,
      SUPPORT,
    );
    expect(outcomes(ok)).toEqual(['[0]']);
    const exit1 = await compile(
      `static int do_test (void) { xclose (42); TEST_VERIFY_EXIT (0); return 0; }
#include <support/test-driver.c>
`,
      SUPPORT,
    );
    expect(outcomes(exit1)).toEqual(['error: xclose.c:27: close of descriptor 42 failed: Bad file descriptor\n[1]']);
  });
});
