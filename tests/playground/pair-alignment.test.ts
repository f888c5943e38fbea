// The pair comparison: the buggy program's failing schedule followed on the fixed program, the two
// runs aligned by the events they share, and the first point where they part said in words.
import { describe, expect, test } from 'vitest';
import { explore, createRun, decodeSchedule } from '../../sim/index.ts';
import type { Program } from '../../sim/types.ts';
import * as buggy from '../../content/examples/ch1-wrapper-buggy.ts';
import * as fixed from '../../content/examples/ch1-wrapper-fixed.ts';
import { followTurns } from '../../components/playground/follow.ts';
import { alignRuns } from '../../components/playground/align.ts';

const program = (m: Record<string, unknown>, name: string): Program => ({
  main: m.default as Program['main'],
  options: (m.options as Program['options']) ?? {},
  name,
});

describe('the same schedule on the fixed program', () => {
  const bad = explore(program(buggy, 'ch1-wrapper-buggy'), {}).findings[0]!;
  const run = createRun(program(fixed, 'ch1-wrapper-fixed'), {});
  const forkStep = bad.trace.find((e) => e.type === 'fork')!.step;
  const path = followTurns(run, decodeSchedule(bad.schedule), forkStep);

  test('the fixed program follows the turns to the end and finishes: every thread exits', () => {
    expect(path.length).toBeGreaterThan(decodeSchedule(bad.schedule).length - 1);
    expect(run.enabled()).toEqual([]);
    expect(run.findings()).toEqual([]);
  });

  test('the runs agree up to the fork window, and part where the fixed wrapper still holds libc_lock', () => {
    const al = alignRuns(bad.trace, run.trace(), { a: 'ch1-wrapper-buggy', b: 'ch1-wrapper-fixed' });
    expect(al.first).toBeGreaterThan(2);
    expect(al.rows.slice(0, al.first).every((r) => r.a && r.b)).toBe(true);
    expect(al.words).toMatch(/thread 1000 still holds libc_lock, so thread 1001 waits/);
  });

  test('a run aligned with itself does not part', () => {
    expect(alignRuns(bad.trace, bad.trace).first).toBeUndefined();
  });
});
