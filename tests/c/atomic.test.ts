// C11 atomics (<stdatomic.h>, _Atomic) and GCC's __atomic and __sync builtins: a read-modify-write
// is one step (x86-64's lock xadd / lock cmpxchg / xchg), so concurrent increments are never lost,
// where a plain x++ (a load and a store) can lose one. C11 6.5.16.2p3: a compound assignment to an
// atomic object is one read-modify-write. DPOR must find the same outcomes as plain enumeration.
import { describe, expect, it } from 'vitest';
import { compileC } from '../../sim/c/index.ts';
import { explore } from '../../sim/index.ts';
import type { Program } from '../../sim/types.ts';
import { compileOrThrow } from './c-helpers.ts';
import { finished, runFirst, searchRuns, stdoutOf } from '../sim/world-helpers.ts';

const HDR = `#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
`;
const compile = (src: string): Promise<Program> => compileOrThrow(`${HDR}${src}`, 'atomic.c');

function outputs(p: Program, strategy: 'dpor' | 'enumerate'): string[] {
  const { runs } = searchRuns(p, { strategy, stopAtFirst: false, maxExecutions: 5000 });
  return [...new Set(finished(runs).map(stdoutOf))].sort();
}
async function allOutputs(src: string): Promise<string[]> {
  const p = await compile(src);
  const d = outputs(p, 'dpor');
  expect(d).toEqual(outputs(p, 'enumerate'));
  return d;
}

const counter = (decl: string, inc: string) => `
${decl}
void *w(void *a) { ${inc}; return NULL; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, w, NULL);
  ${inc};
  pthread_join(t, NULL);
  printf("%d\\n", (int) n);
  return 0;
}`;

describe('atomic read-modify-writes', () => {
  it('a plain n++ in two threads can lose one; an atomic one never does', async () => {
    expect(await allOutputs(counter('static int n;', 'n++'))).toEqual(['1\n', '2\n']);
    expect(await allOutputs(counter('static atomic_int n;', 'n++'))).toEqual(['2\n']);
    expect(await allOutputs(counter('static _Atomic int n;', 'n += 1'))).toEqual(['2\n']);
    expect(await allOutputs(counter('static int n;', 'atomic_fetch_add(&n, 1)'))).toEqual(['2\n']);
  });

  it('GCC builtins: __atomic_fetch_add, __sync_fetch_and_add', async () => {
    expect(await allOutputs(counter('static int n;', '__atomic_fetch_add(&n, 1, __ATOMIC_RELAXED)'))).toEqual(['2\n']);
    expect(await allOutputs(counter('static long n;', '__sync_fetch_and_add(&n, 1)'))).toEqual(['2\n']);
  });

  it('x *= 3 on an atomic is a cas loop: both orders of the two updates, never a lost one', async () => {
    const outs = await allOutputs(`
static _Atomic long m = 5;
void *w(void *a) { m += 2; return NULL; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, w, NULL);
  m *= 3;
  pthread_join(t, NULL);
  printf("%ld\\n", m);
  return 0;
}`);
    expect(outs).toEqual(['17\n', '21\n']);
  });

  it('compare-exchange, exchange, flags and op_fetch return what gcc and glibc 2.36 printed here', async () => {
    const run = runFirst(
      await compile(`
static atomic_int n = 2;
static int g = 2;
static atomic_flag f = ATOMIC_FLAG_INIT;
int main(void) {
  int e = 2;
  int ok = atomic_compare_exchange_strong(&n, &e, 10);
  int e2 = 3;
  int ok2 = atomic_compare_exchange_weak(&n, &e2, 11);
  int old = __sync_val_compare_and_swap(&g, 2, 7);
  int b = __sync_bool_compare_and_swap(&g, 2, 8);
  int x = atomic_exchange(&n, 4);
  int t1 = atomic_flag_test_and_set(&f);
  int t2 = atomic_flag_test_and_set(&f);
  atomic_flag_clear(&f);
  int t3 = atomic_flag_test_and_set(&f);
  int af = __atomic_add_fetch(&g, 3, __ATOMIC_SEQ_CST);
  int nf = __atomic_fetch_nand(&g, 6, __ATOMIC_SEQ_CST);
  unsigned char u = 250;
  __atomic_fetch_add(&u, 10, __ATOMIC_SEQ_CST);
  printf("%d %d %d %d %d %d %d %d %d %d %d %d %d %d\\n", ok, e, ok2, e2, old, b, x, t1, t2, t3, af, nf, g, u);
  return 0;
}`),
    );
    expect(stdoutOf(run)).toBe('1 2 0 10 2 0 10 0 1 0 10 10 -3 4\n');
  });

  it('an atomic struct is refused at its line', async () => {
    const r = await compileC(`${HDR}struct s { int a; };\n_Atomic struct s v;\nint main(void) { return 0; }`, 'a.c');
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.line, r.error.message]).toEqual([5, expect.stringMatching(/only atomic integers/)]);
  });

  it('a thread blocked on nothing but a spinlock held by a thread fork left behind spins, it does not deadlock', async () => {
    const p = await compile(`
#include <unistd.h>
#include <sys/wait.h>
static atomic_int lock;
void *w(void *a) { while (atomic_exchange(&lock, 1)) ; atomic_store(&lock, 0); return NULL; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, w, NULL);
  pid_t pid = fork();
  if (pid == 0) { while (atomic_exchange(&lock, 1)) ; _exit(0); }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}`);
    const rep = explore(p, { maxSteps: 400 });
    expect(rep.verdict).not.toBe('ok');
  });
});
