// The POSIX calls real fork code needs beyond the basics: pipes (blocking read, end of file, SIGPIPE),
// waitpid's WNOHANG, SIG_IGN and SIG_DFL, pthread_detach, sem_init, atexit per process. Each outcome
// is checked the way the explorer must get it: the set of outputs over every schedule, from DPOR and
// from plain enumeration, must be the same.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileC } from '../../sim/c/index.ts';
import { createRun, explore } from '../../sim/index.ts';
import type { Program } from '../../sim/types.ts';
import { compileOrThrow } from './c-helpers.ts';
import { finished, mainExit, runFirst, searchRuns, stdoutOf as stdout } from '../sim/world-helpers.ts';

const HDR = `#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <signal.h>
#include <semaphore.h>
#include <sys/wait.h>
`;

const compile = (src: string): Promise<Program> => compileOrThrow(`${HDR}${src}`, 'calls.c');

/** The outputs of every finished execution, by strategy. */
function outputs(p: Program, strategy: 'dpor' | 'enumerate'): string[] {
  const { runs } = searchRuns(p, { strategy, stopAtFirst: false, maxExecutions: 5000 });
  return [...new Set(finished(runs).map(stdout))].sort();
}

async function allOutputs(src: string, againstEnumeration = true): Promise<string[]> {
  const p = await compile(src);
  const d = outputs(p, 'dpor');
  if (againstEnumeration) expect(d).toEqual(outputs(p, 'enumerate'));
  return d;
}

/** The first schedule's main-process exit event. */
async function runOnce(src: string) {
  const run = runFirst(await compile(src));
  return { out: stdout(run), exit: mainExit(run), findings: run.findings() };
}

describe('pipes', () => {
  it('a read blocks until the writer writes, and returns 0 once every write end is closed', async () => {
    const outs = await allOutputs(`
int main(void) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) {
    close(fds[0]);
    write(fds[1], "a", 1);
    _exit(0);
  }
  close(fds[1]);
  char c = '-';
  ssize_t n = read(fds[0], &c, 1);
  ssize_t m = read(fds[0], &c, 1);
  printf("%zd %c %zd\\n", n, c, m);
  return 0;
}`);
    expect(outs).toEqual(['1 a 0\n']);
  });

  it('two writers: the reader gets both bytes in either order, then end of file (DPOR)', async () => {
    const outs = await allOutputs(
      `
int main(void) {
  int fds[2];
  pipe(fds);
  for (int i = 0; i < 2; i++) {
    if (fork() == 0) {
      write(fds[1], i == 0 ? "a" : "b", 1);
      _exit(0);
    }
  }
  close(fds[1]);
  char buf[4];
  int got = 0;
  ssize_t n;
  while ((n = read(fds[0], buf + got, 1)) > 0) got += n;
  buf[got] = 0;
  printf("%s %zd\\n", buf, n);
  while (wait(NULL) > 0) {}
  return 0;
}`,
      false,
    );
    // Either child writes first; the loop ends on end of file (0), never early.
    expect(outs).toEqual(['ab 0\n', 'ba 0\n']);
  }, 30_000);

  it('a read takes what is buffered, up to its count', async () => {
    const r = await runOnce(`
int main(void) {
  int fds[2];
  pipe(fds);
  write(fds[1], "hello", 5);
  char buf[8] = {0};
  ssize_t a = read(fds[0], buf, 3);
  ssize_t b = read(fds[0], buf + 3, 8);
  printf("%zd %zd %s\\n", a, b, buf);
  return 0;
}`);
    expect(r.out).toBe('3 2 hello\n');
  });

  it('a reader that keeps its own write end open waits for ever: a deadlock that names the pipe', async () => {
    const p = await compile(`
int main(void) {
  int fds[2];
  pipe(fds);
  if (fork() == 0) { write(fds[1], "x", 1); _exit(0); }
  char c;
  while (read(fds[0], &c, 1) > 0) {}
  return 0;
}`);
    const rep = explore(p, {});
    expect(rep.verdict).toBe('deadlock');
    expect(rep.findings[0]!.message).toContain('waits in read on fd 3, a pipe that stays empty');
  });

  it('a write with no read end raises SIGPIPE: the default ends the process, SIG_IGN gives EPIPE', async () => {
    const killed = await runOnce(`
int main(void) {
  int fds[2];
  pipe(fds);
  close(fds[0]);
  write(fds[1], "x", 1);
  printf("not reached\\n");
  return 0;
}`);
    expect(killed.out).toBe('');
    expect(killed.exit).toMatchObject({ status: 13, how: 'signal' });
    const ignored = await runOnce(`
int main(void) {
  int fds[2];
  pipe(fds);
  close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  ssize_t n = write(fds[1], "x", 1);
  printf("%zd %d\\n", n, errno == EPIPE);
  return 0;
}`);
    expect(ignored.out).toBe('-1 1\n');
  });
});

describe('pipes: O_NONBLOCK and the 16 pages', () => {
  it('tests/c/measured/pipe_nb.c prints what it printed here', async () => {
    const src = readFileSync(fileURLToPath(new URL('./measured/pipe_nb.c', import.meta.url)), 'utf8');
    const r = await compileC(src, 'pipe_nb.c');
    if (!r.ok) throw new Error(r.error.message);
    // One thread: one schedule. Its 127,000-odd one-byte writes are steps: past the default bound.
    const run = createRun(r.program, { maxSteps: 1_000_000 });
    for (let en = run.enabled(); en.length > 0; en = run.enabled()) run.step(en[0]!.id);
    expect(run.findings()).toEqual([]);
    expect(stdout(run)).toBe(
      'read empty: -1 EAGAIN\n1-byte writes fit: 65536, then EAGAIN\n' +
        '16 x 4000: 16 ok; then 1000: -1 EAGAIN; then 96: 96\n70000 into empty: 65536\n' +
        '70000 after 100: 61808\nafter 4096 written, 100 read: 61440 more 1-byte writes fit\n' +
        'F_SETFL O_NONBLOCK: before 0, after 1; read -1 EAGAIN\n',
    );
  }, 60_000);
});

describe('read and write with int arrays and structs', () => {
  it("tests/c/measured/typed_buf.c prints what it printed here: the bytes are the values' x86-64 bytes", async () => {
    const src = readFileSync(fileURLToPath(new URL('./measured/typed_buf.c', import.meta.url)), 'utf8');
    const r = await compileC(src, 'typed_buf.c');
    if (!r.ok) throw new Error(r.error.message);
    expect(outputs(r.program, 'dpor')).toEqual(['12 24 1 -2 70000 q -5 1234567890123 2.5 24\n4 3 2 1\n2211 33\n']);
  });

  it('a pointer has no bytes the simulator models: named', async () => {
    const r = await runOnce(`
int main(void) {
  int fds[2];
  pipe(fds);
  int *ps[1] = {fds};
  write(fds[1], ps, sizeof ps);
  return 0;
}`);
    expect(r.findings[0]!.message).toMatch(/int \* has no bytes the simulator models/);
  });

  it('through a void pointer the bytes are taken as chars: a value no char holds is named, not cut to a byte', async () => {
    const r = await runOnce(`
int main(void) {
  int fds[2];
  pipe(fds);
  int xs[2] = {1000, 2};
  void *v = xs;
  write(fds[1], v, sizeof xs);
  return 0;
}`);
    expect(r.findings[0]!.message).toMatch(/it holds 1000, not a char; pass a pointer of the buffer's own type/);
  });
});

describe('waitpid with WNOHANG', () => {
  it('returns 0 while the child runs and its pid once it has exited; -1 ECHILD with no child', async () => {
    const outs = await allOutputs(`
int main(void) {
  pid_t p = fork();
  if (p == 0) _exit(3);
  int st = 0;
  pid_t r = waitpid(p, &st, WNOHANG);
  if (r == 0) waitpid(p, &st, 0);
  int again = waitpid(-1, NULL, WNOHANG);
  printf("%s %d %d %d\\n", r == 0 ? "running" : "exited", WEXITSTATUS(st), again, errno == ECHILD);
  return 0;
}`);
    expect(outs).toEqual(['exited 3 -1 1\n', 'running 3 -1 1\n']);
  });
});

describe('signal dispositions', () => {
  it('SIG_IGN discards the signal, is kept by fork and by exec; SIG_DFL restores the default', async () => {
    const r = await runOnce(`
int main(int argc, char **argv) {
  if (argc > 1) { raise(SIGUSR1); printf("exec'd image still ignores\\n"); return 0; }
  signal(SIGUSR1, SIG_IGN);
  raise(SIGUSR1);
  pid_t p = fork();
  if (p == 0) {
    raise(SIGUSR1);
    printf("child ignores\\n");
    execl("/proc/self/exe", "prog", "again", NULL);
    _exit(127);
  }
  int st;
  waitpid(p, &st, 0);
  printf("child status %d\\n", WEXITSTATUS(st));
  signal(SIGUSR1, SIG_DFL);
  raise(SIGUSR1);
  printf("not reached\\n");
  return 0;
}`);
    expect(r.out).toBe("child ignores\nexec'd image still ignores\nchild status 0\n");
    expect(r.exit).toMatchObject({ status: 10, how: 'signal' });
  });

  it('setting SIG_IGN discards a signal already pending, in every schedule', async () => {
    const outs = await allOutputs(`
static void on(int s) { (void) s; printf("caught\\n"); }
int main(void) {
  signal(SIGUSR1, on);
  pid_t p = fork();
  if (p == 0) { kill(getppid(), SIGUSR1); _exit(0); }
  signal(SIGUSR1, SIG_IGN);
  printf("A\\n");
  waitpid(p, NULL, 0);
  signal(SIGUSR1, on);
  printf("B\\n");
  return 0;
}`);
    // Caught before SIG_IGN, or discarded (pending when SIG_IGN was set, or sent while it was): once
    // the child is reaped the signal is gone, so the handler set again never runs.
    expect(outs).toEqual(['A\nB\n', 'caught\nA\nB\n']);
  });

  it('SIGKILL cannot be ignored (SIG_ERR, EINVAL); SIGCHLD set to SIG_IGN is named as not modelled', async () => {
    const r = await runOnce(`
int main(void) {
  void (*old)(int) = signal(SIGKILL, SIG_IGN);
  printf("%d\\n", old == SIG_ERR && errno == EINVAL);
  return 0;
}`);
    expect(r.out).toBe('1\n');
    const c = await runOnce(`
int main(void) {
  signal(SIGCHLD, SIG_IGN);
  return 0;
}`);
    expect(c.findings.map((f) => f.message).join('\n')).toMatch(
      /calls\.c:11:\d+: SIGCHLD set to SIG_IGN \(children reaped by the kernel, POSIX XSI\) is not modelled/,
    );
  });
});

describe('pthread_detach', () => {
  it('a detached thread cannot be joined (EINVAL), nor detached again', async () => {
    const r = await runOnce(`
static void *worker(void *a) { return a; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  int d = pthread_detach(t);
  int d2 = pthread_detach(t);
  int j = pthread_join(t, NULL);
  printf("%d %d %d\\n", d, d2 == EINVAL, j == EINVAL);
  return 0;
}`);
    expect(r.out).toBe('0 1 1\n');
  });

  it('pthread_attr_setdetachstate is named as not modelled', async () => {
    const r = await runOnce(`
int main(void) {
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, 1);
  return 0;
}`);
    expect(r.findings[0]!.message).toMatch(/pthread_attr_setdetachstate is not modelled/);
  });
});

describe('pthread_self and pthread_join, as measured with glibc 2.36', () => {
  it('tests/c/measured/self_join.c prints what it printed here, in every schedule', async () => {
    // The child's pthread_self() is the forking thread's (nptl/pthread_self.c returns THREAD_SELF, and
    // the child runs on that thread's copy); a self-join is EDEADLK, in the child too; a second join
    // ESRCH (pd->tid == -1); a detached thread EINVAL: each a return value, none a crash or a hang.
    const src = readFileSync(fileURLToPath(new URL('./measured/self_join.c', import.meta.url)), 'utf8');
    const r = await compileC(src, 'self_join.c');
    if (!r.ok) throw new Error(r.error.message);
    expect(outputs(r.program, 'dpor')).toEqual([
      'main self-join 35 (EDEADLK 35)\njoin 0, join again 3 (ESRCH 3)\njoin detached 22 (EINVAL 22)\n' +
        'child: self==before 1, equal 1, self_join 35 (EDEADLK 35)\n',
    ]);
  });

  it('a join on a pthread_t that names no thread, or on a freed descriptor a later create may reuse, is named as undefined', async () => {
    // glibc's pthread_t is a descriptor's address: no ESRCH check can catch a made-up one, and after a
    // join or a detached exit, allocate_stack may hand the same descriptor to the next pthread_create.
    const bogus = await runOnce(`
int main(void) { pthread_t t = 12345; printf("%d\\n", pthread_join(t, NULL)); return 0; }`);
    expect(bogus.out).toBe('');
    expect(bogus.findings[0]!.message).toMatch(/pthread_join\(12345\) names no thread.*undefined/);
    const reused = await runOnce(`
static void *worker(void *a) { return a; }
int main(void) {
  pthread_t t, u;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, NULL);
  pthread_create(&u, NULL, worker, NULL);
  printf("%d\\n", pthread_join(t, NULL));
  return 0;
}`);
    expect(reused.out).toBe('');
    expect(reused.findings[0]!.message).toMatch(/descriptor was freed \(joined\) and a pthread_create came after/);
  });
});

describe('sem_init', () => {
  it('sets the value at run time, from any expression', async () => {
    const outs = await allOutputs(`
static sem_t s;
static void *worker(void *a) { (void) a; sem_wait(&s); printf("w\\n"); return NULL; }
int main(int argc, char **argv) {
  (void) argv;
  sem_init(&s, 0, argc - 1);
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  sem_post(&s);
  pthread_join(t, NULL);
  printf("%d\\n", sem_trywait(&s) == -1 && errno == EAGAIN);
  return 0;
}`);
    expect(outs).toEqual(['w\n1\n']);
  });
});

describe('the environment', () => {
  it('is process memory: fork copies it, and a change in the child stays in the child', async () => {
    // setenv/getenv/unsetenv (stdlib/setenv.c, stdlib/getenv.c) work on environ, in the process's
    // memory; the simulated program starts with none set.
    const outs = await allOutputs(`
int main(void) {
  printf("start %s\\n", getenv("TMPDIR") == NULL ? "unset" : "set");
  setenv("WHO", "parent", 1);
  setenv("WHO", "ignored", 0);
  if (fork() == 0) {
    printf("child %s\\n", getenv("WHO"));
    setenv("WHO", "child", 1);
    unsetenv("GONE");
    _exit(0);
  }
  wait(NULL);
  printf("parent %s %d\\n", getenv("WHO"), setenv("A=B", "x", 1) == -1 && errno == EINVAL);
  return 0;
}`);
    expect(outs).toEqual(['start unset\nchild parent\nparent parent 1\n']);
  });
});

describe('atexit', () => {
  it('handlers belong to the process: fork copies them, exec clears them, _exit skips them', async () => {
    const r = await runOnce(`
static void bye(void) { printf("bye %d\\n", getpid()); }
int main(int argc, char **argv) {
  (void) argv;
  if (argc > 1) exit(0);
  atexit(bye);
  pid_t p = fork();
  if (p == 0) exit(0);
  waitpid(p, NULL, 0);
  p = fork();
  if (p == 0) _exit(0);
  waitpid(p, NULL, 0);
  p = fork();
  if (p == 0) { execl("/proc/self/exe", "prog", "x", NULL); _exit(127); }
  waitpid(p, NULL, 0);
  exit(0);
}`);
    expect(r.out).toBe('bye 1001\nbye 1000\n');
  });
});
