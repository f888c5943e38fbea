// glibc 2.36's own fork tests, copied unchanged into tests/c/glibc/ (git show glibc-2.36:PATH from
// github:bminor/glibc; sysdeps/pthread/tst-fork1.c .. tst-fork4.c, sysdeps/pthread/tst-atfork1.c,
// posix/tst-fork.c (mkstemp, lseek and a file offset fork shares), posix/tst-_Fork.c, stdlib/tst-atexit.c
// with stdlib/tst-atexit-common.c; sysdeps/pthread/tst-detach1.c, tst-join1.c, tst-sem1.c, tst-cond23.c, tst-basic3.c,
// tst-cond14.c, tst-basic4.c, tst-getpid3.c; posix/tst-vfork1.c). They pass on glibc: every schedule
// must end with the test's exit status 0 (tst-basic3: its EXPECTED_SIGNAL) and no finding. tst-fork1 and tst-atfork1 include the legacy "../test-skeleton.c", whose do_test (or
// TEST_FUNCTION) runs as main, as <support/test-driver.c>'s does.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileC, includeBeside } from '../../sim/c/index.ts';
import type { Program } from '../../sim/types.ts';
import { finished, mainExit, searchRuns } from '../sim/world-helpers.ts';

const dir = fileURLToPath(new URL('./glibc/', import.meta.url));
const compile = (name: string) =>
  compileC(readFileSync(`${dir}${name}`, 'utf8'), name, undefined, { include: includeBeside(`${dir}${name}`) });

/**
 * DPOR over every schedule: the report and the first process's exit status in each finished run. The
 * search is bounded by executions, not by time, so that a loaded machine gives the same answer.
 */
function check(p: Program) {
  const { report, runs } = searchRuns(p, { strategy: 'dpor', stopAtFirst: false, maxExecutions: 10_000 });
  const statuses = new Set(
    finished(runs).map((r) => {
      const e = mainExit(r);
      // A process whose last thread ends (tst-basic3's pthread_exit in main) exits with 0, as exit (0).
      return e ? `${e.how === 'return' ? 'exit' : e.how} ${e.status}` : 'no exit';
    }),
  );
  return { report, statuses: [...statuses] };
}

describe("glibc 2.36's fork tests, unchanged, pass as on glibc", () => {
  const ok = ['tst-fork2.c', 'tst-fork3.c', 'tst-fork4.c', 'tst-atfork1.c'];
  ok.push('tst-detach1.c', 'tst-join1.c', 'tst-sem1.c', 'tst-cond23.c', 'tst-basic3.c');
  // The child's only thread registers atexit and calls pthread_exit: start_thread's exit (0) runs
  // final_test, whose kill ends the child by SIGUSR1, which the parent checks.
  ok.push('tst-basic4.c');
  // Each vfork child writes its pid_t through a pipe (4 bytes, read back into a pid_t) for the parent
  // to compare with vfork's value; sizeof (pid_t) inside TEMP_FAILURE_RETRY's argument.
  ok.push('tst-vfork1.c');
  // getpid in a thread, before and after fork (glibc's file has no licence header of its own).
  ok.push('tst-getpid3.c');
  // A regular file from mkstemp, unlinked at once: the child reads what the parent wrote at the
  // offset they share, seeks back and overwrites it; the parent then finds the offset the child left
  // (20) and the child's bytes. The offset lives in the open file description that fork shares
  // (man 2 fork; fs/read_write.c moves f_pos under f_pos_lock); unlink leaves the open file.
  ok.push('tst-fork.c');
  // The same with _Fork, from the main thread and from a second thread, with glibc's support library
  // (create_temp_file, xwrite, xlseek, TEST_COMPARE, TEST_COMPARE_BLOB): _Fork runs no atfork handler.
  ok.push('tst-_Fork.c');
  // stdlib/tst-atexit.c is two lines and `#include <stdlib/tst-atexit-common.c>` (vendored under
  // glibc/stdlib/): 32 atexit handlers, some registering more while exit runs them, and a fork.
  ok.push('tst-atexit.c');
  for (const name of ok) {
    it(`${name}: ok in every schedule, exit status 0`, async () => {
      const r = await compile(name);
      if (!r.ok) throw new Error(`${name}:${r.error.line}:${r.error.column}: ${r.error.message}`);
      const { report, statuses } = check(r.program);
      expect(report.completeness.complete).toBe(true);
      expect(report.findings).toEqual([]);
      expect(report.verdict).toBe('ok');
      // do_test's (or main's) value is the exit status; tst-fork4's child must die of its SIGTERM.
      // tst-basic3 defines EXPECTED_SIGNAL SIGUSR1: the skeleton passes it when the process dies of
      // that signal, as final_test's kill does once the last thread's exit (0) runs the handlers.
      // tst-atexit's last handler, fn_final, ends the process with _exit (0) once the order is right.
      const end = { 'tst-basic3.c': 'signal 10', 'tst-atexit.c': '_exit 0' }[name] ?? 'exit 0';
      expect(statuses).toEqual([end]);
    }, 90_000);
  }

  it('tst-fork1.c: five threads that each fork and wait, ok in 100 random schedules', async () => {
    const r = await compile('tst-fork1.c');
    if (!r.ok) throw new Error(r.error.message);
    // Not exhaustively: five threads that each fork, print and wait are more schedules than the
    // stateless search gets through in a minute, under either futex model (no state caching yet).
    const { report, runs } = searchRuns(r.program, { strategy: 'random', runs: 100, seed: 1, stopAtFirst: false });
    expect(report.findings).toEqual([]);
    expect(runs.every((x) => mainExit(x)?.status === 0)).toBe(true);
  }, 90_000);

  it('tst-cond14.c: cond_wait on a recursive mutex locked three times re-takes it (glibc __pthread_mutex_cond_lock)', async () => {
    // nptl/pthread_mutex_unlock.c: the wait's unlock only decrements __count ("We still hold the
    // mutex"); the re-take finds __owner == id and bumps it (nptl/pthread_mutex_lock.c). Every schedule
    // where the child waits before the parent's signal ends with status 0. The parent orders the two
    // only by sleep (1), and the checker lets a thread be delayed any time: the schedules where the
    // signal comes first lose it, and the child sleeps on cond's signals, not on its own mutex.
    const r = await compile('tst-cond14.c');
    if (!r.ok) throw new Error(r.error.message);
    const { report, statuses } = check(r.program);
    expect(report.completeness.complete).toBe(true);
    expect(statuses).toContain('exit 0');
    expect(report.findings.map((f) => f.kind)).toEqual(['deadlock']);
    expect(report.findings[0]!.message).toMatch(/waits on condition variable cond's group/);
    expect(report.findings[0]!.message).not.toMatch(/already holds/);
  }, 90_000);
});
