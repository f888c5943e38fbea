// Property: random small C programs (specs like tests/sim/property-dpor-world.test.ts's, written as C:
// globals and a global array, private loops, mutexes, signals with handlers, fork/_Fork with atfork handlers, semaphores, condition
// variables, malloc/printf, exit/_exit, waitpid/join) compile, and DPOR on the compiled program
// reaches exactly the outcomes and finding kinds that plain enumeration reaches.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileC } from '../../sim/c/index.ts';
import type { Program } from '../../sim/types.ts';
import { searchOutcomes } from '../sim/world-helpers.ts';
import {
  CHLD_HANDLER,
  cellArb,
  specArbitrary,
  type Cell,
  type Op as SpecOp,
  type Spec as SpecOf,
} from '../sim/program-spec.ts';

/** What only C can say: a private loop (no steps) whose result is stored in a global, an element
 * of a global array indexed by a private computation, and an atomic read-modify-write (one step). */
type COnly = { k: 'local'; c: Cell; n: number } | { k: 'elem'; i: number } | { k: 'xadd'; c: Cell; gcc: boolean };
type Op = SpecOp<COnly>;
type Spec = SpecOf<COnly>;

const specArb = specArbitrary<COnly>({
  leaves: [
    {
      arbitrary: fc.tuple(cellArb, fc.integer({ min: 1, max: 3 })).map(([c, n]): COnly => ({ k: 'local', c, n })),
      weight: 1,
    },
    { arbitrary: fc.integer({ min: 0, max: 3 }).map((i): COnly => ({ k: 'elem', i })), weight: 1 },
    {
      arbitrary: fc.tuple(cellArb, fc.boolean()).map(([c, gcc]): COnly => ({ k: 'xadd', c, gcc })),
      weight: 1,
    },
  ],
  child: [{ k: 'inc', c: 'a' }],
});

function outcomes(p: Program, strategy: 'dpor' | 'enumerate', maxExecutions: number) {
  const { report, outcomes: finals } = searchOutcomes(p, strategy, maxExecutions);
  return { report, finals: new Set(finals), kinds: new Set(report.findings.map((f) => f.kind)) };
}

const SIGNO = { SIGUSR1: 'SIGUSR1', SIGUSR2: 'SIGUSR2', SIGCHLD: 'SIGCHLD' } as const;

/** Writes the C program a spec describes (the same program the TypeScript property test builds). */
export function renderC(sp: Spec): string {
  const ops = (list: Op[], ctx: { main: string; sib: string; kids: string | null }, ind: string): string => {
    let out = '';
    for (const o of list) {
      switch (o.k) {
        case 'crit':
          out += `${ind}pthread_mutex_lock(&${o.m});\n${ops(o.inner, ctx, ind)}${ind}pthread_mutex_unlock(&${o.m});\n`;
          break;
        case 'trylock':
          out += `${ind}if (pthread_mutex_trylock(&${o.m}) == 0) pthread_mutex_unlock(&${o.m});\n`;
          break;
        case 'store':
          out += `${ind}${o.c} = ${o.v};\n`;
          break;
        case 'inc':
          out += `${ind}${o.c}++;\n`;
          break;
        case 'local':
          out += `${ind}{\n${ind}  int acc = 0;\n${ind}  for (int i = 0; i < ${o.n}; i++) acc += i + 1;\n${ind}  ${o.c} = acc;\n${ind}}\n`;
          break;
        case 'xadd':
          out += o.gcc
            ? `${ind}__atomic_fetch_add(&${o.c}, 2, __ATOMIC_SEQ_CST);\n`
            : `${ind}atomic_fetch_add(&${o.c}, 2);\n`;
          break;
        case 'elem':
          out += `${ind}{\n${ind}  int i = ${o.i};\n${ind}  g[i % 2]++;\n${ind}}\n`;
          break;
        case 'malloc':
          out += `${ind}free(malloc(8));\n`;
          break;
        case 'printf':
          out += `${ind}printf("x\\n");\n`;
          break;
        case 'kill':
          if (o.target === 'proc') out += `${ind}kill(getpid(), ${SIGNO[o.sig]});\n`;
          else if (o.target === 'self') out += `${ind}raise(${SIGNO[o.sig]});\n`;
          else out += `${ind}pthread_kill(${o.target === 'main' ? ctx.main : ctx.sib}, ${SIGNO[o.sig]});\n`;
          break;
        case 'sigaction':
          out += `${ind}signal(${SIGNO[o.sig]}, handler${o.h});\n`;
          break;
        case 'chld':
          out += `${ind}signal(SIGCHLD, on_chld);\n`;
          break;
        case 'mask':
          out += `${ind}{ sigset_t s; sigemptyset(&s); sigaddset(&s, ${SIGNO[o.sig]}); pthread_sigmask(${o.block ? 'SIG_BLOCK' : 'SIG_UNBLOCK'}, &s, NULL); }\n`;
          break;
        case 'post':
          out += `${ind}sem_post(&s);\n`;
          break;
        case 'semwait':
          out += `${ind}${o.trywait ? 'sem_trywait' : 'sem_wait'}(&s);\n`;
          break;
        case 'condwait':
          out += `${ind}pthread_mutex_lock(&cvm);\n${ind}pthread_cond_wait(&cv, &cvm);\n${ind}pthread_mutex_unlock(&cvm);\n`;
          break;
        case 'condsignal':
          out += `${ind}pthread_mutex_lock(&cvm);\n${ind}${o.all ? 'pthread_cond_broadcast' : 'pthread_cond_signal'}(&cv);\n${ind}pthread_mutex_unlock(&cvm);\n`;
          break;
        case 'fork':
          out += `${ind}{\n${ind}  pid_t pid = ${o.raw ? '_Fork' : 'fork'}();\n${ind}  if (pid == 0) {\n${ops(o.child, ctx, ind + '    ')}${ind}    ${o.end}(3);\n${ind}  }\n`;
          if (o.wait) out += `${ind}  waitpid(pid, NULL, 0);\n`;
          else if (ctx.kids) out += `${ind}  ${ctx.kids}[n${ctx.kids}++] = pid;\n`;
          out += `${ind}}\n`;
          break;
        case 'end':
          out += `${ind}${o.how}(5);\n`;
          break;
        case 'fwrite':
          out += `${ind}write(3, "x", 1);\n`;
          break;
        case 'fseek':
          out += `${ind}lseek(3, 0, SEEK_SET);\n`;
          break;
        case 'fread':
          out += `${ind}{\n${ind}  char ch;\n${ind}  ${o.c} = read(3, &ch, 1);\n${ind}}\n`;
          break;
      }
    }
    return out;
  };
  const nthreads = sp.threads.length;
  let c = `// forklore: libc=${sp.libc} futex=${sp.futex}
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int a, b;
static int g[2];
static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER, m2 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cvm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static sem_t s;
struct targ { pthread_t main, sib; };
static struct targ targs[${nthreads}];

`;
  sp.handlers.forEach((body, i) => {
    c += `static void handler${i}(int sig)\n{\n  (void) sig;\n${ops(body, { main: '0', sib: '0', kids: null }, '  ')}}\n\n`;
  });
  c += `static void on_chld(int sig)\n{\n  (void) sig;\n${ops(CHLD_HANDLER, { main: '0', sib: '0', kids: null }, '  ')}}\n\n`;
  if (sp.atfork === 'lock') {
    c +=
      'static void prepare(void) { pthread_mutex_lock(&m1); }\nstatic void parent(void) { pthread_mutex_unlock(&m1); }\nstatic void child(void) { pthread_mutex_unlock(&m1); }\n\n';
  }
  if (sp.atfork === 'malloc') c += 'static void child(void) { free(malloc(4)); }\n\n';
  for (let i = 1; i < nthreads; i++) {
    c += `static void *worker${i}(void *arg)\n{\n  struct targ *t = arg;\n  pthread_t tmain = t->main, tsib = t->sib;\n  (void) tmain;\n  (void) tsib;\n${ops(sp.threads[i]!, { main: 'tmain', sib: 'tsib', kids: null }, '  ')}  return NULL;\n}\n\n`;
  }
  c += 'int main(void)\n{\n  pid_t kids[16];\n  int nkids = 0;\n  open("/tmp/shared", O_RDWR | O_CREAT, 0600);\n';
  c += `  sem_init(&s, 0, ${sp.sem});\n`;
  if (sp.atfork === 'lock') c += '  pthread_atfork(prepare, parent, child);\n';
  if (sp.atfork === 'malloc') c += '  pthread_atfork(NULL, NULL, child);\n';
  c += ops(sp.init, { main: '0', sib: '0', kids: 'kids' }, '  ');
  c += '  pthread_t me = pthread_self();\n';
  c += `  pthread_t tids[${Math.max(1, nthreads - 1)}];\n`;
  for (let i = 1; i < nthreads; i++) {
    c += `  targs[${i}].main = me;\n  targs[${i}].sib = ${i === 1 ? 'me' : 'tids[0]'};\n`;
    c += `  pthread_create(&tids[${i - 1}], NULL, worker${i}, &targs[${i}]);\n`;
  }
  c += `  pthread_t sib = ${nthreads > 1 ? 'tids[0]' : 'me'};\n  (void) sib;\n`;
  c += ops(sp.threads[0]!, { main: 'me', sib: 'sib', kids: 'kids' }, '  ');
  for (let i = 1; i < nthreads; i++) c += `  pthread_join(tids[${i - 1}], NULL);\n`;
  c += '  for (int k = 0; k < nkids; k++) waitpid(kids[k], NULL, 0);\n';
  c += '  return a * 10 + b;\n}\n';
  return c.replace(/\bn(kids)\b/g, 'nkids');
}

async function compile(src: string): Promise<Program> {
  const r = await compileC(src, 'random.c');
  if (!r.ok) throw new Error(`random.c:${r.error.line}:${r.error.column}: ${r.error.message}\n${src}`);
  return r.program;
}

describe('C programs: dpor against plain enumeration', () => {
  it('reaches the same outcomes and findings on random C programs', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, async (sp) => {
        const p = await compile(renderC(sp));
        const all = outcomes(p, 'enumerate', 1_500);
        fc.pre(all.report.completeness.complete);
        const reduced = outcomes(p, 'dpor', 1_500);
        expect([...reduced.finals].sort()).toEqual([...all.finals].sort());
        expect([...reduced.kinds].sort()).toEqual([...all.kinds].sort());
        expect(reduced.report.stats.executions).toBeLessThanOrEqual(all.report.stats.executions);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 20), seed: Number(process.env.PROPERTY_SEED ?? 20261202) },
    );
  }, 180_000);
});
