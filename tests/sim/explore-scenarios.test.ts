// Every example program against the outcome it declares: DPOR's verdict over every schedule, the
// verdict readers see where views stop at the first finding, random and PCT search with a fixed seed
// (enough runs to find each bug), and the counterexample replayed to the same finding and trace.
// Each example is explored by DPOR once, or twice when its first finding stopped the search early.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { explore, replay } from '../../sim/explore/index.ts';
import type { Expected, Program, Report } from '../../sim/types.ts';
import { VERDICT_SEVERITY } from '../../sim/types.ts';

const dir = fileURLToPath(new URL('../../content/examples/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

/** Executions a search past the first finding may take: every example but tst-fork1-r743 and r743-3 completes within it. */
const FULL_SEARCH_EXECUTIONS = 500;
/** A search of up to 500 executions takes a second or two; a loaded machine gets more room than vitest's default 5 s. */
const SEARCH_TIMEOUT = 60_000;

interface Loaded {
  name: string;
  program: Program;
  expected: Expected;
}

// Importing an example only declares its objects and functions: cheap enough to do while collecting.
const examples: Loaded[] = await Promise.all(
  names.map(async (name) => {
    const mod = (await import(`../../content/examples/${name}.ts`)) as {
      default?: Program['main'];
      options?: Program['options'];
      expected?: Expected;
    };
    if (typeof mod.default !== 'function') throw new Error(`${name}.ts has no default export (the main thread)`);
    if (!mod.expected) throw new Error(`${name}.ts must export const expected = { verdict: ... }`);
    return {
      name,
      program: { main: mod.default, options: mod.options ?? {}, expected: mod.expected, name },
      expected: mod.expected,
    };
  }),
);

interface Searched {
  /** The default search: DPOR, stopping at the first deadlock (what Run, the bug pictures and the logs show). */
  first: Report;
  /** The search past every finding (the same report when the first one did not stop early). */
  full: Report;
}

const searched = new Map<string, Searched>();

/** The DPOR searches of an example, run once and shared by the tests that read them. */
function search({ name, program }: Loaded): Searched {
  let s = searched.get(name);
  if (!s) {
    const first = explore(program);
    // The default search goes past every finding less severe than a deadlock; only one that stopped
    // at a deadlock (or an error) leaves schedules unexplored, where a more severe finding could hide.
    const stoppedEarly = VERDICT_SEVERITY.indexOf(first.verdict) <= VERDICT_SEVERITY.indexOf('deadlock');
    const full = stoppedEarly ? explore(program, { stopAtFirst: false, maxExecutions: FULL_SEARCH_EXECUTIONS }) : first;
    s = { first, full };
    searched.set(name, s);
  }
  return s;
}

/** What went wrong, in words, so that a failing test says more than "expected ok, got deadlock". */
function describeReport(report: Report): string {
  const findings = report.findings.map((f) => `  ${f.kind}: ${f.message} [schedule ${f.schedule}]`).join('\n');
  const bound = report.completeness.complete ? 'complete' : `stopped by ${report.completeness.stoppedBy}`;
  return `verdict ${report.verdict} (${bound}, ${report.stats.executions} executions)\n${findings}`;
}

describe.each(examples)('$name', (ex) => {
  it(
    'produces the verdict it declares under DPOR, over every schedule',
    () => {
      const { name, expected } = ex;
      const { full } = search(ex);
      expect(full.verdict, `${name}: ${describeReport(full)}`).toBe(expected.verdict);
      for (const kind of expected.also ?? []) {
        expect(
          full.findings.map((f) => f.kind),
          `${name} must also report ${kind}: ${describeReport(full)}`,
        ).toContain(kind);
      }
      if (expected.verdict === 'ok') {
        // "No bug found" is a claim about every schedule: a search cut short by a bound proves nothing.
        expect(full.completeness, `${name}: ${describeReport(full)}`).toEqual({ complete: true });
      }
    },
    SEARCH_TIMEOUT,
  );

  it(
    'with default options (stop at the first deadlock) reports a verdict it declares, from a complete search',
    () => {
      const { name, expected } = ex;
      const { first } = search(ex);
      expect(
        [expected.verdict, ...(expected.also ?? [])],
        `${name} with default options reports ${first.verdict}: declare it in expected.also, or change the example so that the declared bug is met first\n${describeReport(first)}`,
      ).toContain(first.verdict);
      expect(first.completeness).toEqual({ complete: true });
    },
    SEARCH_TIMEOUT,
  );

  it(
    'gives its expected verdict under random search (300 runs, seed 1) and PCT (300 runs, depth 4, seed 1)',
    () => {
      const { program, expected } = ex;
      for (const strategy of ['random', 'pct'] as const) {
        const report = explore(program, { strategy, runs: 300, seed: 1, depth: 4 });
        expect(report.verdict, strategy).toBe(expected.verdict);
      }
    },
    SEARCH_TIMEOUT,
  );
});

describe.each(examples.filter((ex) => ex.expected.verdict !== 'ok'))('$name', (ex) => {
  it(
    'replays the counterexample DPOR found to the same finding and trace',
    () => {
      const { program } = ex;
      const { first } = search(ex);
      const found = first.findings[0]!;
      const again = explore(program, { strategy: 'replay', schedule: found.schedule });
      expect(again.findings.map((f) => f.kind)).toContain(found.kind);
      expect(again.findings.find((f) => f.kind === found.kind)!.trace).toEqual(found.trace);
      expect(replay(program, found.schedule).trace()).toEqual(found.trace);
    },
    SEARCH_TIMEOUT,
  );
});
