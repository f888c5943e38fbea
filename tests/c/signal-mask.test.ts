// Signal masks (pthread_sigmask, sigprocmask, sigpending, sigsuspend, sigwait, sa_mask): every
// schedule's output, against plain enumeration, is what the same program printed on Linux (glibc
// 2.36, gcc, stdout a terminal through script(1)), quoted in each test.
import { describe, expect, it } from 'vitest';
import type { Program } from '../../sim/types.ts';
import { compileOrThrow } from './c-helpers.ts';
import { stateAt } from '../../sim/render/state.ts';
import { finished, mainExit, runFirst, searchRuns, stdoutOf as stdout } from '../sim/world-helpers.ts';

const HDR = `#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
`;

const compile = (src: string): Promise<Program> => compileOrThrow(`${HDR}${src}`, 'mask.c');

function outputs(p: Program, strategy: 'dpor' | 'enumerate'): string[] {
  const { runs } = searchRuns(p, { strategy, stopAtFirst: false, maxExecutions: 5000 });
  return [...new Set(finished(runs).map(stdout))].sort();
}

/** Every schedule's output (DPOR, checked against enumeration). */
async function allOutputs(src: string): Promise<string[]> {
  const p = await compile(src);
  const d = outputs(p, 'dpor');
  expect(d).toEqual(outputs(p, 'enumerate'));
  return d;
}

describe('signal masks', () => {
  it('a blocked signal stays pending (sigpending shows it) until sigsuspend lets the handler run', async () => {
    expect(
      await allOutputs(`
static volatile sig_atomic_t got;
static void on_usr1(int sig) { (void) sig; got = 1; }

int main(void)
{
  struct sigaction sa = { 0 };
  sa.sa_handler = on_usr1;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, old, pend;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  kill(getpid(), SIGUSR1);
  printf("after kill: got=%d\\n", got);
  sigpending(&pend);
  printf("pending: %d\\n", sigismember(&pend, SIGUSR1));
  while (!got)
    sigsuspend(&old);
  printf("after sigsuspend: got=%d\\n", got);
  sigprocmask(SIG_SETMASK, &old, NULL);
  return 0;
}
`),
    ).toEqual(['after kill: got=0\npending: 1\nafter sigsuspend: got=1\n']);
  });

  it('pthread_create and fork pass the mask on; fork leaves pending signals behind; two sends make one', async () => {
    expect(
      await allOutputs(`
static volatile sig_atomic_t caught;
static void on(int s) { (void) s; caught++; }
static void *worker(void *a) {
  (void) a;
  sigset_t cur;
  pthread_sigmask(SIG_BLOCK, NULL, &cur);
  printf("thread blocks USR1: %d\\n", sigismember(&cur, SIGUSR1));
  return NULL;
}
int main(void) {
  signal(SIGUSR1, on);
  sigset_t s, pend, cur;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigprocmask(SIG_BLOCK, &s, NULL);
  raise(SIGUSR1);
  raise(SIGUSR1);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
  pid_t p = fork();
  if (p == 0) {
    sigpending(&pend);
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("child: pending %d, blocks %d\\n", sigismember(&pend, SIGUSR1), sigismember(&cur, SIGUSR1));
    _exit(0);
  }
  waitpid(p, NULL, 0);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  printf("caught %d\\n", caught);
  return 0;
}
`),
    ).toEqual(['thread blocks USR1: 1\nchild: pending 0, blocks 1\ncaught 1\n']);
  });

  it('sigwait takes a blocked process-directed signal another thread sends', async () => {
    expect(
      await allOutputs(`
static void *sender(void *a) {
  (void) a;
  kill(getpid(), SIGUSR2);
  return NULL;
}
int main(void) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &s, NULL);
  pthread_t t;
  pthread_create(&t, NULL, sender, NULL);
  int sig = 0;
  sigwait(&s, &sig);
  pthread_join(t, NULL);
  printf("sigwait got %d\\n", sig);
  return 0;
}
`),
    ).toEqual(['sigwait got 12\n']);
  });

  it("a handler runs with its signal and sa_mask blocked, and its return restores the mask; SIGKILL can't be blocked", async () => {
    const p = await compile(`
static void on(int s) {
  (void) s;
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("in handler: USR1 %d USR2 %d TERM %d\\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2), sigismember(&cur, SIGTERM));
}
int main(void) {
  struct sigaction sa = { 0 };
  sa.sa_handler = on;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR2);
  sigaction(SIGUSR1, &sa, NULL);
  raise(SIGUSR1);
  sigset_t cur;
  sigprocmask(SIG_BLOCK, NULL, &cur);
  printf("after: USR1 %d USR2 %d\\n", sigismember(&cur, SIGUSR1), sigismember(&cur, SIGUSR2));
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  kill(getpid(), SIGKILL);
  printf("not reached\\n");
  return 0;
}
`);
    const run = runFirst(p);
    expect(stdout(run)).toBe('in handler: USR1 1 USR2 1 TERM 0\nafter: USR1 0 USR2 0\n');
    expect(mainExit(run)).toMatchObject({ status: 9, how: 'signal' });
  });

  it('sigsuspend with no sender is a deadlock that names the call', async () => {
    const run = runFirst(
      await compile(`
int main(void) {
  sigset_t none;
  sigemptyset(&none);
  sigsuspend(&none);
  printf("not reached\\n");
  return 0;
}
`),
    );
    const f = run.findings().find((x) => x.kind === 'deadlock');
    expect(f?.stuck?.[0]?.sentence).toMatch(/waits in sigsuspend for a signal that no thread sends/);
    // The state view shows the thread blocked in the call.
    const end = stateAt(run.trace(), Number.POSITIVE_INFINITY);
    expect(end.processes[0]!.threads[0]).toMatchObject({
      status: 'blocked',
      waitsFor: { kind: 'signal', name: 'sigsuspend' },
    });
  });

  it("a child's end sends SIGCHLD: a handler reaps both children while the parent waits in sigsuspend", async () => {
    expect(
      await allOutputs(`
static volatile sig_atomic_t reaped;
static void on_chld(int s) {
  (void) s;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    reaped++;
}
int main(void) {
  signal(SIGCHLD, on_chld);
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  for (int i = 0; i < 2; i++)
    if (fork() == 0)
      _exit(0);
  while (reaped < 2)
    sigsuspend(&old);
  printf("reaped %d\\n", (int) reaped);
  return 0;
}
`),
    ).toEqual(['reaped 2\n']);
  });

  it('SIGCHLD blocked with its default action stays pending for sigwait', async () => {
    expect(
      await allOutputs(`
int main(void) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  pid_t p = fork();
  if (p == 0)
    _exit(7);
  int sig = 0;
  sigwait(&chld, &sig);
  int st;
  waitpid(p, &st, 0);
  printf("sigwait %d, child status %d\\n", sig, WEXITSTATUS(st));
  return 0;
}
`),
    ).toEqual(['sigwait 17, child status 7\n']);
  });
});
