// The pair comparison: the buggy program's failing schedule followed on the fixed program, the two
// runs aligned by the events they share, and the first point where they part said in words; and Be
// the scheduler's goal on every chapter, reachable by hand in the buggy program and never in the fix.
import { describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { explore, createRun, decodeSchedule } from '../../sim/index.ts';
import { compileC } from '../../sim/c/index.ts';
import type { Program, Report } from '../../sim/types.ts';
import * as buggy from '../../content/examples/ch1-wrapper-buggy.ts';
import * as fixed from '../../content/examples/ch1-wrapper-fixed.ts';
import { followTurns } from '../../components/playground/follow.ts';
import { alignRuns } from '../../components/playground/align.ts';
import { goalReached, isGoalKind } from '../../components/playground/goal.ts';

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

// Every buggy/fixed pair the chapters show (read from their MDX), in each language both programs
// exist in: the buggy counterexample is played on the fix, which runs to its end without a finding,
// and the comparison says where the two part; where the bug is a lock that fork copied while another
// thread held it, it says what the fixed run does at its own fork.
const CONTENT = fileURLToPath(new URL('../../content/', import.meta.url));
const EXAMPLES = `${CONTENT}examples/`;
const sitePairs = [
  ...new Set(
    readdirSync(CONTENT)
      .filter((f) => f.endsWith('.mdx'))
      .flatMap((f) =>
        [
          ...readFileSync(`${CONTENT}${f}`, 'utf8').matchAll(
            /<Playground\b[^>]*?\bexample="([^"]+)"[^>]*?\bfixed="([^"]+)"/g,
          ),
        ].map((m) => `${m[1]}+${m[2]}`),
      ),
  ),
].sort();

async function loadExample(name: string, lang: 'ts' | 'c'): Promise<Program> {
  if (lang === 'c') {
    const r = await compileC(readFileSync(`${EXAMPLES}${name}.c`, 'utf8'), `${name}.c`);
    if (!r.ok) throw new Error(`${name}.c:${r.error.line}: ${r.error.message}`);
    return r.program;
  }
  return program((await import(`../../content/examples/${name}.ts`)) as Record<string, unknown>, name);
}

describe('every pair on the site', () => {
  test('the chapters show at least 13 pairs', () => {
    expect(sitePairs.length).toBeGreaterThanOrEqual(13);
  });
  const cases = sitePairs.flatMap((id) => {
    const [a, b] = id.split('+') as [string, string];
    const langs: ('ts' | 'c')[] = ['ts'];
    if (existsSync(`${EXAMPLES}${a}.c`) && existsSync(`${EXAMPLES}${b}.c`)) langs.push('c');
    return langs.map((lang) => [id, lang, a, b] as const);
  });
  test.each(cases)(
    '%s (%s): the fix follows the failing schedule, and where they part is said',
    async (_id, lang, a, b) => {
      const bad = explore(await loadExample(a, lang), { maxExecutions: 5000 }).findings[0]!;
      expect(bad, `${a} has a counterexample`).toBeDefined();
      const run = createRun(await loadExample(b, lang), {});
      const path = followTurns(run, decodeSchedule(bad.schedule), bad.trace.find((e) => e.type === 'fork')?.step);
      expect(path.length).toBeGreaterThan(0);
      // The fix runs the schedule to its end: every thread is done and nothing went wrong.
      expect(run.enabled()).toEqual([]);
      expect(run.findings()).toEqual([]);
      const al = alignRuns(bad.trace, run.trace(), { a, b }, bad);
      expect(al.first).toBeDefined();
      expect(al.words).toMatch(/^Here /);
      const orphan = bad.stuck?.find((t) => t.holderLeftBehindByFork && t.waitsFor.kind === 'mutex');
      if (orphan && orphan.waitsFor.kind === 'mutex') {
        const lock = orphan.waitsFor.name;
        expect(al.fork).toContain(`holds ${lock}: the child gets ${lock} locked by a thread it does not have`);
        // The fixed run's fork is safe for a reason the sentence gives.
        expect(al.fork).toMatch(
          new RegExp(
            `In ${b}, at its fork \\(step \\d+\\), .*(the thread that forks|no thread holds|re-initialises ${lock}|never takes it)`,
          ),
        );
      } else expect(al.fork).toBeUndefined();
    },
  );
});

// Be the scheduler's goal on every chapter that sets one: some order of picks reaches it in the buggy
// program (its counterexample, stepped pick by pick on a live world as the worker does), and the fixed
// program, checked on every schedule, has no finding that would reach it.
const goals = readdirSync(CONTENT)
  .filter((f) => f.endsWith('.mdx'))
  .flatMap((f) =>
    [
      ...readFileSync(`${CONTENT}${f}`, 'utf8').matchAll(
        /<Playground\b[^>]*?\bexample="([^"]+)"[^>]*?\bfixed="([^"]+)"[^>]*?\bgoal="([^"]+)"/g,
      ),
    ].map((m) => [f, m[1]!, m[2]!, m[3]!] as const),
  );

describe("Be the scheduler's goal on every chapter", () => {
  test('the chapters set at least ten goals, each of a kind the Playground knows', () => {
    expect(goals.length).toBeGreaterThanOrEqual(10);
    for (const [f, , , kind] of goals) expect(isGoalKind(kind), `${f}: ${kind}`).toBe(true);
  });
  test.each(goals)('%s: %s reaches its goal by hand, %s never does', async (_f, a, b, kind) => {
    if (!isGoalKind(kind)) throw new Error(kind);
    for (const lang of ['ts', 'c'] as const) {
      if (lang === 'c' && !(existsSync(`${EXAMPLES}${a}.c`) && existsSync(`${EXAMPLES}${b}.c`))) continue;
      const buggy = await loadExample(a, lang);
      // The first counterexample (what Check shows) if it meets the goal, else one among every finding.
      const meets = (r: Report) => r.findings.find((f) => goalReached(kind, [f], f.trace[0]?.pid));
      const hit = meets(explore(buggy, {})) ?? meets(explore(buggy, { stopAtFirst: false, maxExecutions: 2000 }));
      expect(hit, `${a} (${lang}) has a schedule that reaches "${kind}"`).toBeDefined();
      // The picks of that schedule, one at a time on a live world: the goal is met at its end.
      const run = createRun(buggy, {});
      for (const id of decodeSchedule(hit!.schedule)) run.step(id);
      expect(goalReached(kind, run.findings(), run.trace()[0]?.pid), `${a} (${lang}) stepped by hand`).toBe(true);
      // No finding at all on any schedule: the fixed program cannot reach the goal, whatever the picks.
      const fixedReport = explore(await loadExample(b, lang), { maxExecutions: 5000 });
      expect(fixedReport.completeness.complete).toBe(true);
      expect(fixedReport.findings).toEqual([]);
    }
  });
});
