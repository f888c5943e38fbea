// "Explain this schedule" on real counterexamples: one numbered sentence per decisive step, in order.
import { describe, expect, test } from 'vitest';
import { explore } from '../../sim/index.ts';
import type { Program } from '../../sim/types.ts';
import * as buggy from '../../content/examples/ch1-wrapper-buggy.ts';
import * as fixed from '../../content/examples/ch1-wrapper-fixed.ts';
import { explainSchedule } from '../../components/playground/explain-schedule.ts';

const program = (m: Record<string, unknown>, name: string): Program => ({
  main: m.default as Program['main'],
  options: (m.options as Program['options']) ?? {},
  name,
});

describe('explaining a schedule', () => {
  const deadlock = explore(program(buggy, 'buggy'), {}).findings.find((f) => f.kind === 'deadlock')!;
  const sentences = explainSchedule(deadlock.trace, deadlock.stuck);

  test('the fork is told with the lock another thread holds at that instant, and the end with who waits forever', () => {
    const fork = sentences.find((s) => /calls _?Fork/i.test(s.text))!;
    expect(fork.text).toMatch(
      /while thread 1001 holds libc_lock: process \d+ gets that lock still locked, by a thread it does not have/,
    );
    expect(deadlock.trace.some((e) => e.type === 'fork' && e.step === fork.step)).toBe(true);
    const last = sentences[sentences.length - 1]!;
    expect(last.text).toMatch(
      /^No thread can take another step: .* forever\. Thread 1001 holds the lock only in the parent/,
    );
  });

  test('sentences come in step order and leave glibc-internal locks out', () => {
    const steps = sentences.map((s) => s.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(sentences.some((s) => /_IO_list_all_lock|malloc/.test(s.text))).toBe(false);
    expect(sentences.length).toBeLessThan(deadlock.trace.length / 2);
  });

  test('a fork by the thread that holds the lock says the child can release its copy', () => {
    const sample = explore(program(fixed, 'fixed'), {}).sample!;
    const fork = explainSchedule(sample.trace).find((s) => /calls _?Fork/i.test(s.text))!;
    expect(fork.text).toMatch(/The child's copy of libc_lock is held by the child's own thread/);
  });
});
