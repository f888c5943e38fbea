// The C front end construct by construct: what each supported construct does when run by the engine,
// which accesses are steps, and the message (with line and column) for each construct outside the subset.
import { describe, expect, it } from 'vitest';
import { compileC, FUEL } from '../../sim/c/index.ts';
import { createRun, explore } from '../../sim/index.ts';
import type { Program } from '../../sim/types.ts';

const HDR = `#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <assert.h>
#include <signal.h>
#include <fcntl.h>
#include <time.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <semaphore.h>
`;

async function compile(src: string, file = 'prog.c'): Promise<Program> {
  const r = await compileC(src, file);
  if (!r.ok) throw new Error(`${r.error.file}:${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.program;
}

async function compileError(src: string): Promise<{ line: number; column: number; message: string }> {
  const r = await compileC(src, 'bad.c');
  if (r.ok) throw new Error('expected a compile error');
  return r.error;
}

/** Runs one schedule (always the first enabled transition): stdout, exit status, events. */
async function runOnce(src: string) {
  const p = await compile(src);
  const run = createRun(p);
  for (;;) {
    const en = run.enabled();
    if (en.length === 0) break;
    run.step(en[0]!.id);
  }
  const trace = run.trace();
  const out = trace
    .filter((e) => e.type === 'io.write' && e.fd === 1)
    .map((e) => (e as { text: string }).text)
    .join('');
  const exit = trace.find((e) => e.type === 'proc.exit' && e.pid === 1000) as { status: number } | undefined;
  const errors = run.findings().map((f) => `${f.kind}: ${f.message}`);
  const cellOps = trace
    .filter((e) => e.type === 'cell.read' || e.type === 'cell.write')
    .map((e) => `${e.type === 'cell.read' ? 'R' : 'W'} ${(e as { name: string }).name}`);
  return { out, status: exit?.status, errors, cellOps, trace };
}

describe('C front end: constructs', () => {
  it('runs main and uses its return value as the exit status', async () => {
    const r = await runOnce(`${HDR}int main(void) { printf("hello %d\\n", 42); return 3; }`);
    expect(r.out).toBe('hello 42\n');
    expect(r.status).toBe(3);
  });

  it('formats printf conversions: widths, flags, %s %ld %u %x %p %c %% and %m', async () => {
    const r = await runOnce(`${HDR}
int main(void) {
  long big = 5000000000L;
  unsigned u = 4294967295u;
  int *p = NULL;
  errno = EBADF;
  printf("[%5d|%-4d|%04d|%+d|%s|%.2s|%ld|%u|%x|%#X|%c|%%|%p|%m]\\n", 42, 7, 9, 3, "str", "abc", big, u, 255, 255, 'z', p);
  return 0;
}`);
    expect(r.out).toBe('[   42|7   |0009|+3|str|ab|5000000000|4294967295|ff|0XFF|z|%|(nil)|Bad file descriptor]\n');
  });

  it('object-like and function-like #define, #if/#ifdef/#elif/#else with defined()', async () => {
    const r = await runOnce(`${HDR}
#define N 3
#define SQUARE(x) ((x) * (x))
#define STR(x) #x
#define CAT(a, b) a##b
#if defined(N) && N > 2
#  define MODE 1
#elif N == 2
#  define MODE 2
#else
#  define MODE 3
#endif
#ifndef MODE
#error no mode
#endif
#ifdef NOT_DEFINED
this is not C at all
#endif
int main(void) {
  int CAT(va, lue) = SQUARE(N + 1);
  printf("%d %d %s\\n", value, MODE, STR(a + b));
  return 0;
}`);
    expect(r.out).toBe('16 1 a + b\n');
  });

  it('a function-like macro call whose arguments span lines, nested calls among them', async () => {
    const r = await runOnce(`${HDR}
#define ADD(a, b) ((a) + (b))
#define TWICE(x) ADD(x, \\
  x)
int main(void) {
  int v = ADD(1,
              ADD(2,
                  3));
  int w = TWICE(ADD(v,
    1));
  pid_t p = TEMP_FAILURE_RETRY(
      fork());
  if (p == 0) _exit(0);
  printf("%d %d\\n", v, w);
  return 0;
}`);
    expect(r.out).toBe('6 14\n');
    expect(r.errors).toEqual([]);
  });

  it('structs with designated initializers, arrays, pointers and out-parameters, switch, loops, goto', async () => {
    const r = await runOnce(`${HDR}
struct pair { int a; int b; };
static int sum(const int *v, int n) { int s = 0; for (int i = 0; i < n; i++) s += v[i]; return s; }
static void get(int *out) { *out = 41; }
int main(void) {
  struct pair p = { .b = 2, .a = 1 };
  struct timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 * 3 };
  int arr[4] = { 1, 2, 3 };
  int x;
  get(&x);
  x++;
  int k = 0, acc = 0;
  while (k < 10) { k++; if (k % 2) continue; if (k > 6) break; acc += k; }
  do { acc++; } while (acc < 13);
  switch (acc) { case 13: acc = 100; /* falls through */ case 14: acc++; break; default: acc = -1; }
  int n = 0;
again:
  n++;
  if (n < 3) goto again;
  printf("%d %d %ld %d %d %d %d\\n", p.a, p.b, ts.tv_nsec, sum(arr, 4), x, acc, n);
  return 0;
}`);
    expect(r.out).toBe('1 2 300000000 6 42 101 3\n');
  });

  it("sizeof an array is its whole size (not a pointer's); __func__, __LINE__ and __FILE__", async () => {
    const r = await runOnce(`${HDR}
struct job { int id; pthread_mutex_t lock; };
static struct job jobs[3];
static int do_it(void) {
  char buf[32];
  snprintf(buf, sizeof buf, "%s:%d:%s", __func__, __LINE__, __FILE__);
  puts(buf);
  return (int) (sizeof jobs / sizeof jobs[0]);
}
int main(void) { return do_it(); }`);
    expect(r.out).toBe('do_it:20:prog.c\n');
    expect(r.status).toBe(3);
  });

  it('a linked list on the heap, built by threads through a struct pointer argument', async () => {
    const r = await runOnce(`${HDR}
struct node { int value; struct node *next; };
struct job { int id; pthread_mutex_t lock; };
static struct job jobs[2] = { { .id = 1, .lock = PTHREAD_MUTEX_INITIALIZER }, { .id = 2, .lock = PTHREAD_MUTEX_INITIALIZER } };
static struct node *head;
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static void *run(void *arg) {
  struct job *j = arg;
  struct node *n = malloc(sizeof *n);
  pthread_mutex_lock(&j->lock);
  n->value = j->id * 10;
  pthread_mutex_unlock(&j->lock);
  pthread_mutex_lock(&list_lock);
  n->next = head;
  head = n;
  pthread_mutex_unlock(&list_lock);
  return NULL;
}
int main(void) {
  pthread_t th[2];
  for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) pthread_create(&th[i], NULL, run, &jobs[i]);
  for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
  int sum = 0;
  for (struct node *n = head; n != NULL; n = n->next) sum += n->value;
  printf("%d\\n", sum);
  return 0;
}`);
    expect(r.out).toBe('30\n');
  });

  it('casts a thread argument through intptr_t and back, and joins return values', async () => {
    const r = await runOnce(`${HDR}
static void *twice(void *arg) { int i = (intptr_t) arg; return (void *) (intptr_t) (2 * i); }
int main(void) {
  pthread_t t[3];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, twice, (void *) (intptr_t) i);
  long total = 0;
  for (int i = 0; i < 3; i++) { void *ret; pthread_join(t[i], &ret); total += (intptr_t) ret; }
  printf("%ld\\n", total);
  return 0;
}`);
    expect(r.out).toBe('6\n');
  });

  it('fork copies the whole address space, heap included; waitpid and WEXITSTATUS read the child', async () => {
    const r = await runOnce(`${HDR}
static int g = 1;
int main(void) {
  int *h = malloc(2 * sizeof(int));
  h[0] = 10;
  h[1] = 20;
  pid_t pid = fork();
  if (pid == 0) { g = 5; h[1] = 99; _exit(g + h[0] + h[1]); }
  int status;
  waitpid(pid, &status, 0);
  printf("%d %d %d %d\\n", WIFEXITED(status), WEXITSTATUS(status), g, h[1]);
  free(h);
  return 0;
}`);
    expect(r.out).toBe('1 114 1 20\n');
  });

  it('makes steps only of shared memory: globals, statics, heap and escaped locals, not private locals', async () => {
    const r = await runOnce(`${HDR}
static int counter;
static void *bump(void *arg) { int *p = arg; *p = *p + 1; return NULL; }
int main(void) {
  int local = 0;          /* private: no step */
  for (int i = 0; i < 5; i++) local += i;
  int shared = 7;         /* its address goes to a thread: it lives in memory */
  pthread_t t;
  pthread_create(&t, NULL, bump, &shared);
  pthread_join(t, NULL);
  counter = local + shared;
  return counter == 18 ? 0 : 1;
}`);
    expect(r.status).toBe(0);
    expect(r.cellOps).toEqual([
      'W main:shared',
      'R main:shared',
      'W main:shared',
      'R main:shared',
      'W counter',
      'R counter',
    ]);
  });

  it('function pointers reach pthread_atfork, atexit and signal handlers', async () => {
    const r = await runOnce(`${HDR}
static void prepare(void) { printf("prepare\\n"); }
static void child(void) { printf("child\\n"); }
static void bye(void) { printf("bye\\n"); }
static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }
int main(void) {
  pthread_atfork(prepare, NULL, child);
  atexit(bye);
  signal(SIGUSR1, on_usr1);
  raise(SIGUSR1);
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, NULL, 0);
  printf("got %d\\n", got);
  return 0;
}`);
    expect(r.out).toBe('prepare\nchild\ngot 10\nbye\n');
  });

  it('mutex kinds: the recursive and errorcheck static initializers and pthread_mutexattr_settype', async () => {
    const r = await runOnce(`${HDR}
static pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t chk = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_mutex_t m[2] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER };
int main(void) {
  int a = pthread_mutex_lock(&rec), b = pthread_mutex_lock(&rec);
  int c = pthread_mutex_lock(&chk), d = pthread_mutex_lock(&chk);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_init(&m[1], &attr);
  int e = pthread_mutex_unlock(&m[1]);
  printf("%d %d %d %d %d\\n", a, b, c, d == EDEADLK, e == EPERM);
  return 0;
}`);
    expect(r.out).toBe('0 0 0 1 1\n');
  });

  it('names mutexes in reports by their C variable names (m[1] for arrays)', async () => {
    const p = await compile(`${HDR}
static pthread_mutex_t m[2] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER };
static void *hold(void *arg) { (void) arg; pthread_mutex_lock(&m[1]); return NULL; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, hold, NULL);
  pid_t pid = fork();
  if (pid == 0) { pthread_mutex_lock(&m[1]); _exit(0); }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}`);
    const rep = explore(p, {});
    expect(rep.verdict).toBe('deadlock');
    expect(rep.findings[0]!.message).toContain('mutex m[1]');
  });

  it('condition variables and semaphores', async () => {
    const r = await runOnce(`${HDR}
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;
static sem_t done;
static void *worker(void *arg) {
  (void) arg;
  pthread_mutex_lock(&lock);
  ready = 1;
  pthread_cond_signal(&cv);
  pthread_mutex_unlock(&lock);
  sem_post(&done);
  return NULL;
}
int main(void) {
  sem_init(&done, 0, 0);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_mutex_lock(&lock);
  while (!ready) pthread_cond_wait(&cv, &lock);
  pthread_mutex_unlock(&lock);
  sem_wait(&done);
  printf("%d %d\\n", ready, sem_trywait(&done) == -1 && errno == EAGAIN);
  pthread_join(t, NULL);
  return 0;
}`);
    expect(r.out).toBe('1 1\n');
  });

  it('file descriptors: socketpair with SOCK_CLOEXEC, fcntl flags, dup2, close errors set errno', async () => {
    const r = await runOnce(`${HDR}
int main(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
  int flags = fcntl(sv[0], F_GETFD);
  fcntl(sv[1], F_SETFD, FD_CLOEXEC | FD_CLOFORK);
  int d = dup2(sv[0], 10);
  int bad = close(77);
  printf("%d %d %d %d %d\\n", sv[0], sv[1], flags, d, bad == -1 && errno == EBADF);
  return 0;
}`);
    expect(r.out).toBe('3 4 1 10 1\n');
  });

  it('TEMP_FAILURE_RETRY, assert and the test driver convention (do_test runs as main)', async () => {
    const r = await runOnce(`${HDR}
static int do_test(void) {
  pid_t pid = fork();
  if (pid == 0) _exit(4);
  int status;
  pid_t w = TEMP_FAILURE_RETRY(waitpid(pid, &status, 0));
  assert(w == pid);
  return WEXITSTATUS(status) == 4 ? 0 : 1;
}
#include <support/test-driver.c>
`);
    expect(r.status).toBe(0);
  });

  it('a failed assert() is an assertion finding that names the C expression and its line', async () => {
    const p = await compile(
      `${HDR}
int main(void) {
  int x = 1;
  assert(x == 2);
  return 0;
}`,
      'a.c',
    );
    const rep = explore(p, {});
    expect(rep.verdict).toBe('assertion');
    expect(rep.findings[0]!.message).toContain("a.c:18: Assertion `x == 2' failed.");
  });

  it('exec of /proc/self/exe runs main again with the new argv', async () => {
    const r = await runOnce(`${HDR}
int main(int argc, char **argv) {
  if (argc > 1) { printf("job %s\\n", argv[1]); return 0; }
  pid_t pid = fork();
  if (pid == 0) { execl("/proc/self/exe", "prog", "level-2", NULL); _exit(127); }
  int status;
  waitpid(pid, &status, 0);
  return WEXITSTATUS(status);
}`);
    expect(r.out).toBe('job level-2\n');
    expect(r.status).toBe(0);
  });

  it('reads options and the expected verdict from the // forklore: line', async () => {
    const p =
      await compile(`// forklore: libc=glibc-2.7 plash strict futex=blocking expect=deadlock also=fd-leak,unsafe-call
${HDR}int main(void) { return 0; }`);
    expect(p.options).toEqual({ libc: 'glibc-2.7', plash: true, strict: true, futex: 'blocking' });
    expect(p.expected).toEqual({ verdict: 'deadlock', also: ['fd-leak', 'unsafe-call'] });
  });

  it(`stops a local loop without steps after ${FUEL} iterations with a message that names it`, async () => {
    const p = await compile(
      `${HDR}
int main(void) {
  int x = 0;
  for (;;) { x++; }
  return x;
}`,
      'spin.c',
    );
    const rep = explore(p, {});
    expect(rep.verdict).toBe('error');
    expect(rep.findings[0]!.message).toMatch(/the for loop at spin\.c:18:3 ran 1,000,000 iterations without a step/);
  });

  it('stops pointer arithmetic beyond an array with the position of the expression', async () => {
    const p = await compile(
      `${HDR}
static int g;
int main(void) {
  int *p = &g;
  p = p + 1;
  return *p;
}`,
      'arith.c',
    );
    const rep = explore(p, {});
    expect(rep.verdict).toBe('error');
    expect(rep.findings[0]!.message).toContain(
      'arith.c:19:7: pointer arithmetic on a pointer to g, which is not an array element (outside the supported subset)',
    );
  });

  it('reports a run-time error (out-of-bounds index) with its C position', async () => {
    const p = await compile(
      `${HDR}
static int a[3];
int main(void) {
  int i = 3;
  a[i] = 1;
  return 0;
}`,
      'oob.c',
    );
    const rep = explore(p, {});
    expect(rep.verdict).toBe('error');
    expect(rep.findings[0]!.message).toContain('oob.c:19:3: index 3 is out of bounds of a[3]');
  });
});

describe('C front end: constructs outside the subset are errors at their line and column', () => {
  const cases: [string, string, number, number, RegExp][] = [
    [
      'union',
      `${HDR}union u { int a; float b; };\nint main(void) { return 0; }`,
      15,
      1,
      /unions are outside the supported subset/,
    ],
    [
      'inline asm',
      `${HDR}int main(void) {\n  __asm__("nop");\n  return 0;\n}`,
      16,
      3,
      /inline asm is outside the supported subset/,
    ],
    [
      'unknown library call',
      `${HDR}int main(void) {\n  int r = frobnicate(3);\n  return r;\n}`,
      16,
      11,
      /unknown function frobnicate/,
    ],
    [
      'declared, never defined',
      `${HDR}int helper(int);\nint main(void) {\n  return helper(1);\n}`,
      17,
      10,
      /helper is declared but never defined/,
    ],
    [
      'pointer to a too-small integer',
      `${HDR}int main(void) {\n  int x;\n  int v = (int) &x;\n  return v;\n}`,
      17,
      11,
      /casting a pointer to int, which cannot hold it/,
    ],
    [
      'unknown header',
      `#include <sys/mman.h>\nint main(void) { return 0; }`,
      1,
      10,
      /#include <sys\/mman.h>: the simulator knows only the headers/,
    ],
    [
      'missing header',
      `#include <stdio.h>\nint main(void) { pid_t p = fork(); return p; }`,
      2,
      28,
      /fork is declared in <unistd.h>, which this file does not #include/,
    ],
    [
      'unknown identifier',
      `${HDR}int main(void) {\n  return nothing_here;\n}`,
      16,
      10,
      /unknown identifier nothing_here/,
    ],
    ['syntax error', `${HDR}int main(void) {\n  int x = ;\n  return 0;\n}`, 16, 10, /syntax error/],
    [
      'goto into a block',
      `${HDR}int main(void) {\n  goto inside;\n  { inside: ; }\n  return 0;\n}`,
      16,
      3,
      /goto inside: the label must be in this block or an enclosing one/,
    ],
    [
      'statement expression',
      `${HDR}int main(void) {\n  int x = ({ 1; });\n  return x;\n}`,
      16,
      11,
      /statement expressions/,
    ],
    ['bad #if', `#if 1 +\n#endif\nint main(void) { return 0; }`, 1, 1, /#if: expression ends early/],
    ['unterminated #if', `#ifdef X\nint main(void) { return 0; }`, 1, 1, /#if without #endif/],
    [
      'bad forklore line',
      `// forklore: libc=musl\nint main(void) { return 0; }`,
      1,
      1,
      /libc is none, glibc-2\.7 or glibc/,
    ],
    [
      'bit-fields',
      `${HDR}struct s { int a : 3; };\nint main(void) { return 0; }`,
      15,
      12,
      /bit-fields are outside the supported subset/,
    ],
    // Attributes that run code or change a layout (GCC manual, "Common Function Attributes" and
    // "Common Variable Attributes"); the harmless ones (unused, format, noreturn...) compile.
    [
      'constructor attribute',
      `${HDR}__attribute__((constructor)) static void init(void) { }\nint main(void) { return 0; }`,
      15,
      16,
      /__attribute__\(\(constructor\)\) runs the function before main/,
    ],
    [
      'cleanup attribute',
      `${HDR}static void done(int *p) { }\nint main(void) {\n  __attribute__((cleanup(done))) int c = 3;\n  return c;\n}`,
      17,
      18,
      /__attribute__\(\(cleanup\)\) runs a function when the variable's scope ends/,
    ],
    [
      'packed struct',
      `${HDR}struct __attribute__((packed)) p { char c; int i; };\nint main(void) { return 0; }`,
      15,
      23,
      /__attribute__\(\(packed\)\) changes the type's layout/,
    ],
    [
      '_Atomic in a cast',
      `${HDR}int n;\nint main(void) { _Atomic int *p = (_Atomic int *) &n; return *p; }`,
      16,
      36,
      /_Atomic in a type descriptor is outside the supported subset/,
    ],
  ];
  for (const [what, src, line, column, msg] of cases) {
    it(what, async () => {
      const e = await compileError(src);
      expect(e.message).toMatch(msg);
      expect([e.line, e.column]).toEqual([line, column]);
    });
  }

  it('attributes that change nothing the program does are accepted', async () => {
    const p = await compile(
      `${HDR}static void f(const char *s, ...) __attribute__((format(printf, 1, 2)));\nstatic void f(const char *s, ...) { (void) s; }\n__attribute__((unused)) static int u;\n__attribute__((noreturn)) static void die(void) { _exit(1); }\nint main(void) { f("x"); return u; }`,
    );
    expect(explore(p, {}).verdict).toBe('ok');
  });

  it('keeps the source line and column after a macro call that spans lines', async () => {
    const e = await compileError(
      `${HDR}#define ADD(a, b) ((a) + (b))\nint main(void) {\n  return ADD(0,\n    1) + nothing;\n}`,
    );
    expect(e.message).toMatch(/unknown identifier nothing/);
    expect([e.line, e.column]).toEqual([18, 10]);
  });

  it("a macro call with no closing ')' before the end of the file", async () => {
    const e = await compileError(`${HDR}#define ADD(a, b) ((a) + (b))\nint main(void) {\n  return ADD(0,\n    1;\n}`);
    expect(e.message).toMatch(/the arguments of macro ADD have no closing '\)'/);
    expect([e.line, e.column]).toEqual([17, 10]);
  });

  it('a directive inside a macro call that spans lines is named', async () => {
    const e = await compileError(
      `${HDR}#define ADD(a, b) ((a) + (b))\nint main(void) {\n  return ADD(0,\n#ifdef X\n 1\n#endif\n  );\n}`,
    );
    expect(e.message).toMatch(/a directive inside the arguments of macro ADD/);
    expect([e.line, e.column]).toEqual([18, 1]);
  });

  it('keeps the source column after a macro expansion on the same line', async () => {
    const e = await compileError(
      `${HDR}#define ONE 1\nint main(void) { int x = ONE + ONE + undefined_name; return x; }`,
    );
    expect(e.message).toMatch(/unknown identifier undefined_name/);
    expect([e.line, e.column]).toEqual([16, 38]);
  });
});
