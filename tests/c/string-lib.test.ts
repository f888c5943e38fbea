// The pure calls of <string.h>, <stdlib.h>, <ctype.h> and sprintf: one program that uses them, whose
// output is what gcc 12 and glibc 2.36 printed on this machine; and rand's lock, which fork leaves as
// it is (glibc 2.36 stdlib/random.c:197 `__libc_lock_define_initialized (static, lock)`, taken by
// random and srandom; posix/fork.c resets only the stdio, malloc and loader locks).
import { describe, expect, it } from 'vitest';
import { compileC } from '../../sim/c/index.ts';
import { explore } from '../../sim/index.ts';
import { compileOrThrow } from './c-helpers.ts';
import { finished, runFirst, searchRuns, stdoutOf } from '../sim/world-helpers.ts';

const PROGRAM = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
static int by_value(const void *a, const void *b) { return *(const int *) a - *(const int *) b; }
int main(void) {
  char buf[64], *end;
  int n = sprintf(buf, "%d-%s-%05.2f", 42, "ab", 3.14159);
  printf("%d [%s]\\n", n, buf);
  char *d = strdup("hello world");
  printf("%s %zu\\n", d, strlen(d));
  char *e = strndup("abcdef", 3);
  printf("%s\\n", e);
  printf("%s|%s|%s\\n", strrchr(d, 'o'), strstr(d, "lo w"), strpbrk(d, "wr"));
  printf("%zu %zu %zu\\n", strspn("aabbc", "ab"), strcspn("hello", "lz"), strnlen("abc", 2));
  char cp[8];
  strncpy(cp, "xy", sizeof cp);
  printf("%s %d\\n", cp, cp[7]);
  strncat(cp, "12345", 3);
  printf("%s\\n", cp);
  printf("%ld %ld %d\\n", strtol("  -0x1fz", &end, 0), strtol("0777", NULL, 0), strtoul("-1", NULL, 10) == (unsigned long) -1);
  printf("rest=%s\\n", end);
  errno = 0;
  long big = strtol("99999999999999999999", &end, 10);
  printf("%d %d %s\\n", big == 9223372036854775807L, errno == ERANGE, end);
  printf("%ld %lld %d %d\\n", atol("123abc"), atoll("-9"), abs(-5), atoi(" 12"));
  printf("%d %d %d %d %c %c\\n", isdigit('7') != 0, isspace('\\n') != 0, isalpha('3') != 0, ispunct('!') != 0, toupper('q'), tolower('Q'));
  printf("%d %d\\n", strcasecmp("HeLLo", "hello"), strncasecmp("abcX", "ABCy", 3));
  int a[6] = {5, 3, 9, 1, 3, 7};
  qsort(a, 6, sizeof a[0], by_value);
  for (int i = 0; i < 6; i++) printf("%d ", a[i]);
  printf("\\n");
  int r1 = rand(), r2 = rand();
  srand(7);
  int r3 = rand();
  unsigned seed = 3;
  int r4 = rand_r(&seed), r5 = rand_r(&seed);
  printf("%d %d %d %d %d\\n", r1, r2, r3, r4, r5);
  char line[] = "a,b,,c";
  for (char *t = strtok(line, ","); t; t = strtok(NULL, ",")) printf("<%s>", t);
  printf("\\n");
  char l2[] = " x y ", *sv;
  for (char *t = strtok_r(l2, " ", &sv); t; t = strtok_r(NULL, " ", &sv)) printf("<%s>", t);
  printf("\\n");
  char *m = memchr("abcdef", 'd', 6);
  printf("%s %d\\n", m, strcmp("a", "c"));
  free(d);
  free(e);
  return 0;
}
`;

const NATIVE = `11 [42-ab-03.14]
hello world 11
abc
orld|lo world|world
4 2 2
xy 0
xy123
-31 511 1
rest=z
1 1 
123 -9 5 12
1 1 0 1 Q q
0 0
1 3 3 5 7 9 
1804289383 846930886 1045618677 1430195325 125974964
<a><b><c>
<x><y>
def -1
`;

describe('string, stdlib and ctype calls', () => {
  it('print what glibc printed', async () => {
    const run = runFirst(await compileOrThrow(PROGRAM, 'str.c'));
    expect(run.findings()).toEqual([]);
    expect(stdoutOf(run)).toBe(NATIVE);
  });

  it('printf formats doubles as glibc does (%g, %e exponents, the 0 flag with a precision, 1e21)', async () => {
    const run = runFirst(
      await compileOrThrow(
        `#include <stdio.h>
int main(void) {
  double v[] = {0, 1, 1234567, 123456, 0.0001, 0.00001234, 3.14159, 100, 1e21, -2.5, 0.5, 10};
  for (int i = 0; i < 12; i++) printf("[%g|%.3g|%e|%08.2f|%10.3e|%G]\\n", v[i], v[i], v[i], v[i], v[i], v[i]);
  return 0;
}
`,
        'fmt.c',
      ),
    );
    expect(stdoutOf(run)).toBe(`[0|0|0.000000e+00|00000.00| 0.000e+00|0]
[1|1|1.000000e+00|00001.00| 1.000e+00|1]
[1.23457e+06|1.23e+06|1.234567e+06|1234567.00| 1.235e+06|1.23457E+06]
[123456|1.23e+05|1.234560e+05|123456.00| 1.235e+05|123456]
[0.0001|0.0001|1.000000e-04|00000.00| 1.000e-04|0.0001]
[1.234e-05|1.23e-05|1.234000e-05|00000.00| 1.234e-05|1.234E-05]
[3.14159|3.14|3.141590e+00|00003.14| 3.142e+00|3.14159]
[100|100|1.000000e+02|00100.00| 1.000e+02|100]
[1e+21|1e+21|1.000000e+21|1000000000000000000000.00| 1.000e+21|1E+21]
[-2.5|-2.5|-2.500000e+00|-0002.50|-2.500e+00|-2.5]
[0.5|0.5|5.000000e-01|00000.50| 5.000e-01|0.5]
[10|10|1.000000e+01|00010.00| 1.000e+01|10]
`);
  });

  it('strdup writes the heap, so a copy another thread reads is shared memory', async () => {
    const p = await compileOrThrow(
      `#include <pthread.h>
#include <stdio.h>
#include <string.h>
static char *s;
void *w(void *a) { s = strdup("hi"); return NULL; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, w, NULL);
  char *r = s;
  printf("%s\\n", r ? r : "(none)");
  pthread_join(t, NULL);
  return 0;
}`,
      'dup.c',
    );
    const { runs } = searchRuns(p, { strategy: 'dpor', stopAtFirst: false });
    expect([...new Set(finished(runs).map(stdoutOf))].sort()).toEqual(['(none)\n', 'hi\n']);
  });

  it("qsort through a void pointer is refused: the element's type is not known", async () => {
    const r = await compileC(
      `#include <stdlib.h>
static int c(const void *a, const void *b) { return 0; }
int main(void) { int a[2] = {2, 1}; void *p = a; qsort(p, 2, sizeof (int), c); return 0; }`,
      'q.c',
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect([r.error.line, r.error.message]).toEqual([3, expect.stringMatching(/qsort through a void pointer/)]);
  });
});

describe("rand's lock", () => {
  it('a child forked while another thread was in rand() waits for the lock forever', async () => {
    const p = await compileOrThrow(
      `#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
void *w(void *a) { rand(); return NULL; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, w, NULL);
  pid_t pid = fork();
  if (pid == 0) { rand(); _exit(0); }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}`,
      'rand.c',
    );
    const rep = explore(p, {});
    expect(rep.verdict).toBe('deadlock');
    expect(JSON.stringify(rep.findings[0])).toContain('random_lock');
  });
});
