// Every C example (content/examples/*.c) against the outcome its `// forklore:` line declares, and
// against its TypeScript twin: same verdict and same findings under DPOR, random and PCT.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileC } from '../../sim/c/index.ts';
import { explore } from '../../sim/index.ts';
import type { Expected, Program, Report } from '../../sim/types.ts';

const dir = fileURLToPath(new URL('../../content/examples/', import.meta.url));
const cNames = readdirSync(dir)
  .filter((f) => f.endsWith('.c'))
  .map((f) => f.slice(0, -2))
  .sort();

async function loadC(name: string): Promise<Program> {
  const r = await compileC(readFileSync(`${dir}${name}.c`, 'utf8'), `${name}.c`);
  if (!r.ok) throw new Error(`${name}.c:${r.error.line}:${r.error.column}: ${r.error.message}`);
  return r.program;
}
async function loadTs(name: string): Promise<Program> {
  const mod = (await import(`../../content/examples/${name}.ts`)) as {
    default: Program['main'];
    options?: Program['options'];
    expected?: Expected;
  };
  return { main: mod.default, options: mod.options ?? {}, ...(mod.expected ? { expected: mod.expected } : {}), name };
}
// An assertion's text is the C expression in C and a message in TypeScript: compare where it failed.
const norm = (m: string) => m.replace(/^(Assertion failed in thread \d+ of process \d+):[\s\S]*$/, '$1');
// Schedules may differ in length: a C local whose address a thread gets (pthread_create(..., &me))
// lives in memory, so its store and loads are steps the TypeScript twin (which passes a value) lacks.
const findings = (r: Report) => r.findings.map((f) => `${f.kind}: ${norm(f.message)}`).sort();
const kinds = (r: Report) => r.findings.map((f) => f.kind).sort();
// A search bounded by executions, not by time, so that a loaded machine gives the same answer: the
// largest example (ch4-bz19431-fixed) completes in under 700.
const DPOR = { strategy: 'dpor' as const, maxExecutions: 10_000 };

describe('C examples', () => {
  it('there are C examples', () => {
    expect(cNames.length).toBeGreaterThan(0);
  });
  for (const name of cNames) {
    const twin = existsSync(`${dir}${name}.ts`);
    it(`${name}.c gives the verdict it declares under DPOR${twin ? ' and the findings of its TypeScript twin' : ''}`, async () => {
      const c = await loadC(name);
      expect(c.expected, `${name}.c needs a // forklore: line with expect=`).toBeDefined();
      const rc = explore(c, DPOR);
      expect(rc.completeness.complete).toBe(true);
      expect(rc.verdict).toBe(c.expected!.verdict);
      if (!twin) return;
      const t = await loadTs(name);
      expect(c.options).toEqual(t.options);
      expect(c.expected).toEqual(t.expected);
      const rt = explore(t, DPOR);
      expect(findings(rc)).toEqual(findings(rt));
      expect(rc.stats.distinctOutcomes).toBe(rt.stats.distinctOutcomes);
    }, 120_000);
    if (!twin) continue;
    it(`${name}.c and its TypeScript twin agree under random and PCT (same seeds)`, async () => {
      const [c, t] = [await loadC(name), await loadTs(name)];
      for (const opts of [
        { strategy: 'random' as const, runs: 40, seed: 7 },
        { strategy: 'pct' as const, runs: 40, seed: 11, depth: 3 },
      ]) {
        const rc = explore(c, opts);
        const rt = explore(t, opts);
        expect(rc.verdict, `${opts.strategy}`).toBe(rt.verdict);
        expect(kinds(rc), `${opts.strategy}`).toEqual(kinds(rt));
      }
    }, 120_000);
  }
});
