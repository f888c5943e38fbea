// Property: random small C programs (specs like tests/sim/property-dpor-world.test.ts's, written as C:
// globals and a global array, private loops, mutexes, signals with handlers, fork/_Fork with atfork handlers, semaphores, condition
// variables, malloc/printf, exit/_exit, waitpid/join) compile, and DPOR on the compiled program
// reaches exactly the outcomes and finding kinds that plain enumeration reaches.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileC } from '../../sim/c/index.ts';
import type { Program } from '../../sim/types.ts';
import type { LibcModel } from '../../sim/types.ts';
import { searchOutcomes } from '../sim/world-helpers.ts';

type Cell = 'a' | 'b';
type Mx = 'm1' | 'm2';
type Target = 'main' | 'sib' | 'self' | 'proc';
type Op =
  | { k: 'crit'; m: Mx; inner: Op[] }
  | { k: 'trylock'; m: Mx }
  | { k: 'store'; c: Cell; v: number }
  | { k: 'inc'; c: Cell }
  /** A private loop (no steps) whose result is stored in a global. */
  | { k: 'local'; c: Cell; n: number }
  /** An element of a global array, indexed by a private computation. */
  | { k: 'elem'; i: number }
  | { k: 'malloc' }
  | { k: 'printf' }
  | { k: 'kill'; target: Target; sig: 'SIGUSR1' | 'SIGUSR2' }
  | { k: 'sigaction'; sig: 'SIGUSR1' | 'SIGUSR2'; h: 0 | 1 }
  | { k: 'post' }
  | { k: 'semwait'; trywait: boolean }
  | { k: 'condwait' }
  | { k: 'condsignal'; all: boolean }
  | { k: 'fork'; raw: boolean; child: Op[]; end: 'exit' | '_exit'; wait: boolean }
  | { k: 'end'; how: 'exit' | '_exit' };
interface Spec {
  libc: LibcModel;
  futex: 'exact' | 'blocking';
  handlers: [Op[], Op[]];
  atfork: 'none' | 'lock' | 'malloc';
  init: Op[];
  threads: Op[][];
  sem: number;
}

const cellA = fc.constantFrom<Cell>('a', 'b');
const mx = fc.constantFrom<Mx>('m1', 'm2');
const sig = fc.constantFrom<'SIGUSR1' | 'SIGUSR2'>('SIGUSR1', 'SIGUSR1', 'SIGUSR2');
const handlerOp: fc.Arbitrary<Op> = fc.oneof(
  mx.map((m): Op => ({ k: 'crit', m, inner: [] })),
  fc.constant<Op>({ k: 'malloc' }),
  fc.tuple(cellA, fc.integer({ min: 1, max: 2 })).map(([c, v]): Op => ({ k: 'store', c, v })),
  fc.constant<Op>({ k: 'post' }),
  fc.constant<Op>({ k: 'fork', raw: false, child: [], end: '_exit', wait: false }),
);
const leafOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.tuple(cellA, fc.integer({ min: 1, max: 2 })).map(([c, v]): Op => ({ k: 'store', c, v })), weight: 2 },
  { arbitrary: cellA.map((c): Op => ({ k: 'inc', c })), weight: 2 },
  { arbitrary: fc.tuple(cellA, fc.integer({ min: 1, max: 3 })).map(([c, n]): Op => ({ k: 'local', c, n })), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 3 }).map((i): Op => ({ k: 'elem', i })), weight: 1 },
  { arbitrary: fc.constant<Op>({ k: 'malloc' }), weight: 2 },
  { arbitrary: fc.constant<Op>({ k: 'printf' }), weight: 1 },
  { arbitrary: mx.map((m): Op => ({ k: 'trylock', m })), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom<Target>('main', 'main', 'sib', 'self', 'proc'), sig).map(([target, s]): Op => ({ k: 'kill', target, sig: s })), weight: 3 },
  { arbitrary: fc.tuple(sig, fc.constantFrom<0 | 1>(0, 1)).map(([s, h]): Op => ({ k: 'sigaction', sig: s, h })), weight: 1 },
  { arbitrary: fc.constant<Op>({ k: 'post' }), weight: 1 },
  { arbitrary: fc.boolean().map((trywait): Op => ({ k: 'semwait', trywait })), weight: 1 },
  { arbitrary: fc.constant<Op>({ k: 'condwait' }), weight: 1 },
  { arbitrary: fc.boolean().map((all): Op => ({ k: 'condsignal', all })), weight: 1 },
);
const threadOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: leafOp, weight: 6 },
  { arbitrary: fc.tuple(mx, fc.array(leafOp, { maxLength: 1 })).map(([m, inner]): Op => ({ k: 'crit', m, inner })), weight: 2 },
  {
    arbitrary: fc
      .record({
        raw: fc.boolean(),
        child: fc.array(fc.constantFrom<Op>({ k: 'malloc' }, { k: 'printf' }, { k: 'crit', m: 'm1', inner: [] }, { k: 'inc', c: 'a' }), { maxLength: 1 }),
        end: fc.constantFrom<'exit' | '_exit'>('exit', '_exit'),
        wait: fc.boolean(),
      })
      .map((f): Op => ({ k: 'fork', ...f })),
    weight: 1,
  },
);
const ops = (max: number) => fc.array(threadOp, { minLength: 1, maxLength: max });
const specArb: fc.Arbitrary<Spec> = fc
  .record({
    libc: fc.constantFrom<LibcModel>('none', 'glibc', 'glibc-2.7'),
    futex: fc.constantFrom<'exact' | 'blocking'>('exact', 'blocking'),
    handlers: fc.tuple(fc.array(handlerOp, { minLength: 1, maxLength: 2 }), fc.array(handlerOp, { minLength: 1, maxLength: 1 })),
    atfork: fc.constantFrom<'none' | 'lock' | 'malloc'>('none', 'none', 'lock', 'malloc'),
    sig1: fc.boolean(),
    sig2: fc.boolean(),
    main: ops(2),
    others: fc.array(fc.tuple(ops(2), fc.option(fc.constantFrom<'exit' | '_exit'>('exit', '_exit'), { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 2 }),
    sem: fc.nat(1),
  })
  .map(({ libc, futex, handlers, atfork, sig1, sig2, main, others, sem }): Spec => {
    const init: Op[] = [];
    if (sig1) init.push({ k: 'sigaction', sig: 'SIGUSR1', h: 0 });
    if (sig2) init.push({ k: 'sigaction', sig: 'SIGUSR2', h: 1 });
    const threads = [main, ...others.map(([body, end]) => (end ? [...body, { k: 'end', how: end } as Op] : body))];
    return { libc, futex, handlers, atfork, init, threads, sem };
  });

function outcomes(p: Program, strategy: 'dpor' | 'enumerate', maxExecutions: number) {
  const { report, outcomes: finals } = searchOutcomes(p, strategy, maxExecutions);
  return { report, finals: new Set(finals), kinds: new Set(report.findings.map((f) => f.kind)) };
}

const SIGNO = { SIGUSR1: 'SIGUSR1', SIGUSR2: 'SIGUSR2' } as const;

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
      }
    }
    return out;
  };
  const nthreads = sp.threads.length;
  let c = `// forklore: libc=${sp.libc} futex=${sp.futex}
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
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
  if (sp.atfork === 'lock') {
    c += 'static void prepare(void) { pthread_mutex_lock(&m1); }\nstatic void parent(void) { pthread_mutex_unlock(&m1); }\nstatic void child(void) { pthread_mutex_unlock(&m1); }\n\n';
  }
  if (sp.atfork === 'malloc') c += 'static void child(void) { free(malloc(4)); }\n\n';
  for (let i = 1; i < nthreads; i++) {
    c += `static void *worker${i}(void *arg)\n{\n  struct targ *t = arg;\n  pthread_t tmain = t->main, tsib = t->sib;\n  (void) tmain;\n  (void) tsib;\n${ops(sp.threads[i]!, { main: 'tmain', sib: 'tsib', kids: null }, '  ')}  return NULL;\n}\n\n`;
  }
  c += 'int main(void)\n{\n  pid_t kids[16];\n  int nkids = 0;\n';
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
