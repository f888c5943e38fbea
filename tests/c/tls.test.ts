// Thread-local storage (__thread, _Thread_local, thread_local): one object per thread, each starting
// from the initializer (glibc copies the TLS image into every new thread's block: elf/dl-tls.c
// _dl_allocate_tls_init); a child made by fork runs on a copy of the forking thread's block (man 2
// fork: the child is a copy of the calling thread), and a signal handler sees the thread it
// interrupts. The outputs were printed by gcc 12 / glibc 2.36 on this machine (stdbuf -o0).
import { describe, expect, it } from 'vitest';
import { compileC } from '../../sim/c/index.ts';
import type { Program } from '../../sim/types.ts';
import { compileOrThrow } from './c-helpers.ts';
import { finished, searchRuns, stdoutOf } from '../sim/world-helpers.ts';

const HDR = `#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <signal.h>
#include <sys/wait.h>
`;
const compile = (src: string): Promise<Program> => compileOrThrow(`${HDR}${src}`, 'tls.c');

function outputs(p: Program, strategy: 'dpor' | 'enumerate'): string[] {
  const { runs } = searchRuns(p, { strategy, stopAtFirst: false, maxExecutions: 5000 });
  return [...new Set(finished(runs).map(stdoutOf))].sort();
}
async function allOutputs(src: string, againstEnumeration = true): Promise<string[]> {
  const p = await compile(src);
  const d = outputs(p, 'dpor');
  if (againstEnumeration) expect(d).toEqual(outputs(p, 'enumerate'));
  return d;
}

describe('thread-local storage', () => {
  it('each thread has its own object, starting from the initializer', async () => {
    // With a shared `n` the unlocked increments race; thread-local, they never meet.
    const src = `
static __thread int n = 10;
void *w(void *a) { n++; n++; return (void *) (long) n; }
int main(void) {
  pthread_t a, b;
  void *ra, *rb;
  n = 1;
  pthread_create(&a, NULL, w, NULL);
  pthread_create(&b, NULL, w, NULL);
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  printf("%ld %ld main %d\\n", (long) ra, (long) rb, n);
  return 0;
}`;
    expect(await allOutputs(src, false)).toEqual(['12 12 main 1\n']);
    const shared = await allOutputs(src.replace('__thread ', ''), false);
    expect(shared).toContain('2 3 main 3\n');
    expect(shared).toContain('5 5 main 5\n');
  });

  it("fork's child has the forking thread's values; a handler sees its thread's; &x is that thread's object", async () => {
    const outs = await allOutputs(`
static __thread int x = 10;
_Thread_local int arr[2] = {1, 2};
static int *px;
static void h(int s) { x += 100; }
void *w(void *a) {
  static __thread int calls;
  calls++;
  x = 5; arr[1] = 9;
  printf("w %d %d %d\\n", x, arr[1], calls);
  px = &x;
  pid_t p = fork();
  if (p == 0) { printf("child %d %d\\n", x, arr[1]); _exit(0); }
  waitpid(p, NULL, 0);
  return NULL;
}
int main(void) {
  pthread_t t;
  signal(SIGUSR1, h);
  x = 1;
  raise(SIGUSR1);
  pthread_create(&t, NULL, w, NULL);
  pthread_join(t, NULL);
  printf("main %d %d %d\\n", x, arr[1], *px);
  return 0;
}`);
    expect(outs).toEqual(['w 5 9 1\nchild 5 9\nmain 101 2 5\n']);
  });

  it('a thread-local variable in a function must be static, as in C', async () => {
    const r = await compileC(`${HDR}int main(void) { __thread int x; return x; }`, 'tls.c');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.line).toBe(6);
      expect(r.error.message).toMatch(/must be static/);
    }
  });
});
