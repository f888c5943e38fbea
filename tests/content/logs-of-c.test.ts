// The chapters show C, and the strace logs and pictures beside the C are drawn at build time from the
// simulator's run of the example (components/StraceLog.astro, BugPicture.astro), which loads its
// TypeScript twin. For what the page shows to be the C program's log, the C program must give the
// same one: the same lines for every <StraceLog>, the same picture for every <BugPicture>.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { compileC } from '../../sim/c/index.ts';
import { explore, renderStrace } from '../../sim/index.ts';
import type { Expected, Program } from '../../sim/types.ts';
import { timelineSvg } from '../../components/timeline-svg.ts';

async function loadC(name: string): Promise<Program> {
  const r = await compileC(readFileSync(`content/examples/${name}.c`, 'utf8'), `${name}.c`);
  if (!r.ok) throw new Error(`${name}.c:${r.error.line}: ${r.error.message}`);
  return r.program;
}
async function loadTs(name: string): Promise<Program> {
  const mod = (await import(`../../content/examples/${name}.ts`)) as {
    default: Program['main'];
    options?: Program['options'];
    expected?: Expected;
  };
  return { main: mod.default, options: mod.options ?? {}, name };
}

/** Every `<Tag …>` of the pages, as attribute maps (attributes in double quotes). */
function uses(tag: string): Record<string, string>[] {
  return readdirSync('content')
    .filter((f) => f.endsWith('.mdx'))
    .flatMap((f) =>
      [...readFileSync(`content/${f}`, 'utf8').matchAll(new RegExp(`<${tag}\\b([\\s\\S]*?)/>`, 'g'))].map((m) =>
        Object.fromEntries([...m[1]!.matchAll(/(?:^|\s)(example|finding|schedule)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
      ),
    );
}

/** The log StraceLog prints for a program: the same search and the same choice of finding. */
function strace(p: Program, a: Record<string, string>): string {
  const report = explore(p, a.schedule ? { strategy: 'replay', schedule: a.schedule } : { stopAtFirst: !a.finding });
  const chosen = a.finding ? report.findings.find((f) => f.kind === a.finding) : report.findings[0];
  return renderStrace(chosen?.trace ?? report.sample?.trace ?? []);
}

/** The picture BugPicture draws: the worst finding over every schedule. */
function picture(p: Program, name: string): string {
  const report = explore(p, { stopAtFirst: false });
  const f = report.findings[0];
  if (f) return timelineSvg(f.trace, { stuck: f.stuck, idPrefix: `bp-${name}` });
  return timelineSvg(report.sample?.trace ?? [], { idPrefix: `bp-${name}` });
}

describe('logs and pictures beside the C', () => {
  const logs = uses('StraceLog');
  const pictures = uses('BugPicture');

  test('the pages have logs and pictures', () => {
    expect(logs.length).toBeGreaterThan(3);
    expect(pictures.length).toBeGreaterThan(1);
  });

  test.each(logs.map((a) => [a.example!, a] as const))("<StraceLog example=%s>: the C program's log", async (name, a) => {
    const c = strace(await loadC(name), a);
    expect(c.split('\n').length).toBeGreaterThan(2);
    expect(c).toBe(strace(await loadTs(name), a));
  });

  test.each(pictures.map((a) => [a.example!] as const))("<BugPicture example=%s>: the C program's picture", async (name) => {
    expect(picture(await loadC(name), name)).toBe(picture(await loadTs(name), name));
  });
});
