// Condition variables across fork, as glibc 2.36 has them (nptl/pthread_cond_wait.c,
// pthread_cond_signal.c, pthread_cond_broadcast.c, pthread_cond_common.c). fork copies pthread_cond_t
// with the process: a parent thread asleep in pthread_cond_wait stays counted in the child's copy
// (__wrefs, __g_size, its __g_refs reference), though no such thread runs there. Measured on this
// machine with tests/sim/fidelity-cond-fork/cond_fork.c (its header has the commands and the figures,
// 20 of 20 runs each):
//   g2 (one parent waiter asleep in G2) -> the child's signal, two signals, broadcast, and signal after
//     pthread_cond_init in an atfork child handler all let the child exit; two rounds of wait/signal
//     hang (main in futex_wait on __g_signals[1]).
//   g1 (a parent waiter left asleep in G1, its group's __g_size 1) -> the child's signal hangs (main on
//     __g_signals[1]); a second signal or a broadcast also blocks the signaller in futex_wait on
//     __g_refs[0] (__condvar_quiesce_and_switch_g1 waits for the ghost's reference); pthread_cond_init
//     in the child handler lets it exit.
// These programs are cond_fork.c's, with the sleeps replaced by handshakes: a thread that takes the
// mutex the waiter holds knows the waiter is inside pthread_cond_wait (it registers and sleeps in
// the step that releases the mutex).
import { describe, expect, it } from 'vitest';
import {
  _exit,
  cell,
  cond,
  fork,
  load,
  mutex,
  pthread_atfork,
  pthread_cond_broadcast,
  pthread_cond_init,
  pthread_cond_signal,
  pthread_cond_wait,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_unlock,
  sem,
  sem_post,
  sem_wait,
  store,
} from '../../sim/api/index.ts';
import { compileC } from '../../sim/c/index.ts';
import { explore } from '../../sim/explore/index.ts';
import type { Program } from '../../sim/types.ts';
import { prog, runFirst } from './world-helpers.ts';

type Scenario = 'g2' | 'g1';
type Child = 'signal' | 'signal2' | 'broadcast' | 'round2' | 'init';

const m = mutex('m');
const cv = cond('cv');
const tickets = cell('tickets', 0);
const ready = cell('ready', 0);
const inWait = sem('inWait', 0);
const left = sem('left', 0);

function* parentWaiter(): Generator<unknown, void, unknown> {
  yield* pthread_mutex_lock(m);
  yield* sem_post(inWait); // main's lock of m below succeeds only once this thread is in its wait
  while ((yield* load(tickets)) === 0) yield* pthread_cond_wait(cv, m);
  yield* store(tickets, (yield* load(tickets)) - 1);
  yield* pthread_mutex_unlock(m);
  yield* sem_post(left);
}

/** cond_fork.c as a program: SCENARIO's parent waiters, then the child's CHILD mode. */
function condFork(scenario: Scenario, child: Child): Program {
  const signaller = (round: number) =>
    function* childSignaller(): Generator<unknown, void, unknown> {
      yield* pthread_mutex_lock(m); // the child's main is in pthread_cond_wait: it released m there
      yield* store(ready, round);
      if (child === 'broadcast') yield* pthread_cond_broadcast(cv);
      else yield* pthread_cond_signal(cv);
      if (child === 'signal2') yield* pthread_cond_signal(cv);
      yield* pthread_mutex_unlock(m);
    };
  return prog(function* main() {
    const n = scenario === 'g1' ? 2 : 1;
    for (let i = 0; i < n; i++) yield* pthread_create(parentWaiter);
    for (let i = 0; i < n; i++) yield* sem_wait(inWait);
    yield* pthread_mutex_lock(m);
    if (scenario === 'g1') {
      yield* store(tickets, 1);
      yield* pthread_cond_signal(cv); // G2 becomes G1 of size 2, with one signal
      yield* pthread_mutex_unlock(m);
      yield* sem_wait(left); // one waiter took it and left; the other sleeps in G1
      yield* pthread_mutex_lock(m);
    }
    if (child === 'init')
      yield* pthread_atfork(null, null, function* reinit() {
        yield* pthread_cond_init(cv);
      });
    // main forks holding m, so that no parent thread holds it in the child (a waiter that took a
    // spurious wake-up might, if main did not): the child's main has it, its copy.
    const pid = yield* fork();
    if (pid === 0) {
      const rounds = child === 'round2' ? 2 : 1;
      const s = [];
      for (let r = 1; r <= rounds; r++) {
        s.push(yield* pthread_create(signaller(r)));
        while ((yield* load(ready)) < r) yield* pthread_cond_wait(cv, m);
      }
      yield* pthread_mutex_unlock(m);
      for (const t of s) yield* pthread_join(t);
      yield* _exit(0);
    }
    // The parent leaves at once (exit_group ends its waiters): what matters is whether the child exits.
    yield* _exit(0);
  });
}

/**
 * cond_fork.c's schedule: each thread runs until it blocks, the oldest first, and no wait-up is
 * spurious (the explorer would also try those; a real futex_wait that nobody wakes does not return).
 * The parent's waiters are then asleep as the measurement's sleeps leave them.
 */
function measuredRun(p: Program) {
  const run = runFirst(p);
  const procs = run.snapshot().processes;
  const child = procs.find((x) => x.ppid === procs[0]!.pid)!;
  const deadlock = run.findings().find((x) => x.kind === 'deadlock');
  return { run, child, deadlock, stuck: deadlock?.stuck?.filter((s) => s.pid === child.pid) ?? [] };
}

describe('a condition variable across fork (glibc 2.36, measured with cond_fork.c)', () => {
  it.each<[Scenario, Child]>([
    ['g2', 'signal'],
    ['g2', 'signal2'],
    ['g2', 'broadcast'],
    ['g2', 'init'],
    ['g1', 'init'],
  ])('%s %s: the child exits', (scenario, child) => {
    const r = measuredRun(condFork(scenario, child));
    expect(r.run.findings()).toEqual([]);
    expect(r.child.exited).toBe(true);
    expect(r.child.status).toBe(0);
  });

  it('g2 round2: round 1 made G1 = {ghost, main}; round 2’s signal goes to the ghost and main hangs', () => {
    const r = measuredRun(condFork('g2', 'round2'));
    expect(r.stuck).toHaveLength(1);
    expect(r.stuck[0]!.sentence).toMatch(
      /^Thread \d+ of process \d+ waits on condition variable cv's group 1 signals \(futex_wait on __g_signals\[1\]\), which no thread will signal: its group is G2, and pthread_cond_signal gives G1 its signals first; G1 still counts thread 1001, which does not exist in process \d+: fork copied cv while thread 1001 of process 1000 waited on it, and the signal sent to G1 \(__g_signals\[0\] = 2\) waits there for it\.$/,
    );
  });

  it.each<[Child]>([['signal'], ['round2']])(
    'g1 %s: the signal goes to G1, owed to the ghost; main sleeps on __g_signals[1]',
    (child) => {
      const r = measuredRun(condFork('g1', child));
      expect(r.stuck).toHaveLength(1);
      expect(r.stuck[0]!.sentence).toContain(
        "waits on condition variable cv's group 1 signals (futex_wait on __g_signals[1])",
      );
      expect(r.stuck[0]!.sentence).toContain('G1 still counts thread 1002, which does not exist in process');
      expect(r.stuck[0]!.holderLeftBehindByFork).toBe(true);
      // The finding leads with it.
      expect(r.deadlock!.message).toContain("cv's group 1 signals");
    },
  );

  it.each<[Child]>([['signal2'], ['broadcast']])(
    'g1 %s: the signaller waits in __condvar_quiesce_and_switch_g1 for the ghost’s reference on __g_refs[0]',
    (child) => {
      const r = measuredRun(condFork('g1', child));
      expect(r.stuck).toHaveLength(2);
      const fn = child === 'broadcast' ? 'pthread_cond_broadcast' : 'pthread_cond_signal';
      const signaller = r.stuck.find((s) => s.sentence.includes(`waits in ${fn}`))!;
      expect(signaller.sentence).toMatch(
        new RegExp(
          `waits in ${fn} for condition variable cv's group 0 to quiesce \\(futex_wait on __g_refs\\[0\\]\\): .*the reference is held by thread 1002, which does not exist in process \\d+`,
        ),
      );
      expect(r.stuck.find((s) => s !== signaller)!.sentence).toContain('futex_wait on __g_signals[1]');
    },
  );

  it('the explorer finds the hang of g1 signal at once', () => {
    const report = explore(condFork('g1', 'signal'), { maxExecutions: 50 });
    expect(report.verdict).toBe('deadlock');
    expect(report.findings[0]!.message).toContain("cv's group 1 signals");
  });

  it.each<[string, boolean]>([
    ['without', false],
    ['with', true],
  ])('C: g2 round2 %s pthread_cond_init(&cv, NULL) in the child', async (_w, init) => {
    // The C front end's pthread_cond_init is the same operation (glibc's memset of the condvar).
    const src = `#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static sem_t in_wait;
static int tickets, ready;
static void *waiter(void *a) {
  pthread_mutex_lock(&m);
  sem_post(&in_wait);
  while (tickets == 0) pthread_cond_wait(&cv, &m);
  pthread_mutex_unlock(&m);
  return a;
}
static void *signaller(void *a) {
  pthread_mutex_lock(&m);
  ready++;
  pthread_cond_signal(&cv);
  pthread_mutex_unlock(&m);
  return a;
}
int main(void) {
  pthread_t w, s[2];
  sem_init(&in_wait, 0, 0);
  pthread_create(&w, NULL, waiter, NULL);
  sem_wait(&in_wait);
  pthread_mutex_lock(&m);
  if (fork() == 0) {
    ${init ? 'pthread_cond_init(&cv, NULL);' : ''}
    for (int r = 1; r <= 2; r++) {
      pthread_create(&s[r - 1], NULL, signaller, NULL);
      while (ready < r) pthread_cond_wait(&cv, &m);
    }
    pthread_mutex_unlock(&m);
    _exit(0);
  }
  _exit(0);
}
`;
    const c = await compileC(src, 'round2.c');
    if (!c.ok) throw new Error(c.error.message);
    const r = measuredRun(c.program);
    if (init) {
      expect(r.run.findings()).toEqual([]);
      expect(r.child.status).toBe(0);
    } else {
      expect(r.stuck).toHaveLength(1);
      expect(r.stuck[0]!.sentence).toContain('G1 still counts thread 1001, which does not exist in process');
    }
  });
});
