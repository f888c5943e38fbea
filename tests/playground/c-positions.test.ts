// Follow the bug in C: compiled with `track`, each operation carries the C line of its statement, so
// the Playground can show the line each thread is at after every step of a counterexample.
import { describe, expect, test } from 'vitest';
import { compileC } from '../../sim/c/index.ts';
import { createRun, decodeSchedule, explore } from '../../sim/index.ts';
import { positionsOf } from '../../components/playground/positions.ts';

const SRC = `#include <pthread.h>
#include <unistd.h>
#include <sys/wait.h>
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void *worker(void *arg)
{
  pthread_mutex_lock(&m);
  pthread_mutex_unlock(&m);
  return arg;
}
int main(void)
{
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(&m);
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  pthread_join(t, NULL);
  return 0;
}
`;

describe('C line marks', () => {
  test("each thread is at a C line of its own code at every step of the deadlock's schedule", async () => {
    const plain = await compileC(SRC, 'held.c');
    const tracked = await compileC(SRC, 'held.c', undefined, { track: true });
    if (!plain.ok || !tracked.ok) throw new Error('did not compile');
    const report = explore(plain.program, { stopAtFirst: true });
    expect(report.verdict).toBe('deadlock');
    const schedule = report.findings[0]!.schedule;
    const steps = positionsOf(createRun(tracked.program, {}), decodeSchedule(schedule));
    expect(steps.length).toBe(decodeSchedule(schedule).length + 1);
    const lines = new Set(steps.flat().map(([, line]) => line));
    // Every mark is a line of a statement that steps, and the deadlock leaves the child at its lock.
    for (const l of lines) expect([7, 8, 14, 15, 17, 18, 20, 21]).toContain(l);
    const last = steps.at(-1)!;
    expect(last.map(([, l]) => l)).toContain(17);
    // Untracked, no operation carries a line.
    expect(positionsOf(createRun(plain.program, {}), decodeSchedule(schedule)).flat()).toEqual([]);
  });
});
