// The bounds and the bookkeeping behind the Playground's containment, in Node: what a reply from the
// sandbox must look like before the page uses it, what a share link may inflate to and a schedule may
// ask, and how saved edits survive a competing version, a full storage and a reset.
import { describe, expect, test } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { explore, replay, decodeSchedule, encodeSchedule } from '../../sim/index.ts';
import type { Program } from '../../sim/types.ts';
import { compileC } from '../../sim/c/index.ts';
import * as buggy from '../../content/examples/ch1-wrapper-buggy.ts';
import { readReply } from '../../components/playground/validate.ts';
import { schedState, serialize } from '../../components/playground/reply.ts';
import type { WorkerResponse } from '../../components/playground/protocol.ts';
import { readShare, encodeShare, SHARE_PREFIX } from '../../components/playground/share.ts';
import { LIMITS, scheduleSteps } from '../../components/playground/limits.ts';
import { logLines } from '../../components/playground/log-lines.ts';
import { saveEdit, clearEdit, loadEdit, loadKept, type Seen } from '../../components/playground/storage.ts';
import { memoryStorage } from './memory-storage.ts';

const program: Program = {
  main: buggy.default,
  options: buggy.options as Program['options'],
  name: 'buggy',
};
const report = explore(program, { stopAtFirst: false });
const honest = () => ({
  type: 'result',
  id: 7,
  report: JSON.parse(JSON.stringify(report)),
  log: logLines(report.findings[0]!.trace),
});

describe('a reply from the sandbox', () => {
  test("the checker's own result for a real example passes", () => {
    const r = readReply(JSON.stringify(honest()));
    expect(r.ok).toBe(true);
    if (r.ok && r.reply.type === 'result') expect(r.reply.report.verdict).toBe('deadlock');
  });

  test('anything but bounded JSON text is refused before it is parsed', () => {
    expect(readReply(honest())).toMatchObject({ ok: false, reason: expect.stringMatching(/other than text/) });
    expect(readReply('x'.repeat(LIMITS.replyChars + 1))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/too large/),
    });
    expect(readReply('{not json')).toMatchObject({ ok: false });
  });

  test('a step beyond the bound, a giant trace, an unknown verdict or a verdict without its finding are refused', () => {
    const far = honest();
    far.report.findings[0].trace[0].step = 1e12;
    expect(readReply(JSON.stringify(far))).toMatchObject({ ok: false, reason: expect.stringMatching(/step/) });
    const giant = honest();
    giant.report.findings[0].trace = Array.from({ length: LIMITS.traceEvents + 1 }, (_, i) => ({
      type: 'thread.start',
      step: 0,
      pid: 1000,
      tid: 1000 + (i % 5),
    }));
    expect(readReply(JSON.stringify(giant))).toMatchObject({ ok: false, reason: expect.stringMatching(/events/) });
    const odd = honest();
    odd.report.verdict = 'solved';
    expect(readReply(JSON.stringify(odd))).toMatchObject({ ok: false });
    const lie = honest();
    lie.report.verdict = 'ok';
    expect(readReply(JSON.stringify(lie))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/does not match/),
    });
  });

  test('a field of the wrong type anywhere in the reply is refused, and names where it is', () => {
    const forge = (edit: (m: ReturnType<typeof honest>) => void) => {
      const m = honest();
      edit(m);
      return readReply(JSON.stringify(m));
    };
    const lock = (m: ReturnType<typeof honest>) =>
      m.report.findings[0].trace.find((e: { type: string }) => e.type === 'mutex.lock');
    expect(forge((m) => (lock(m).lock.name = { toString: 1 }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/trace\[\d+\]\.lock\.name is not text/),
    });
    expect(forge((m) => (m.report.findings[0].trace[0].type = 'page.script'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no known type/),
    });
    expect(forge((m) => (m.report.findings[0].stuck[0].waitsFor = { kind: 'mutex', name: 7 }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/waitsFor\.name is not text/),
    });
    expect(forge((m) => (m.report.stats.executions = '12'))).toMatchObject({ ok: false });
    expect(forge((m) => (m.report.completeness = { complete: false, stoppedBy: 'solved' }))).toMatchObject({
      ok: false,
    });
    expect(forge((m) => Object.assign(m.log[0]!, { text: ['<img>'] }))).toMatchObject({ ok: false });
    expect(readReply(JSON.stringify({ ...honest(), positions: [[[1000, 'x']]] }))).toMatchObject({ ok: false });
    expect(readReply(JSON.stringify({ type: 'beat', id: 1, phase: 'done', ops: 0, steps: 0 }))).toMatchObject({
      ok: false,
    });
  });

  test('fields the protocol does not declare are dropped, at every depth', () => {
    const m = { ...honest(), html: '<script>' };
    m.report.findings[0].onclick = 'x';
    m.report.findings[0].trace[0].innerHTML = '<b>';
    const r = readReply(JSON.stringify(m));
    expect(r.ok).toBe(true);
    const text = JSON.stringify(r.ok && r.reply);
    expect(text).not.toMatch(/html|onclick|innerHTML/i);
  });
});

const examplesDir = fileURLToPath(new URL('../../content/examples/', import.meta.url));
const exampleNames = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

describe("every example's replies, as the checker sends them", () => {
  // What the page reads is what the checker sent: nothing an honest reply holds is refused or lost.
  const readBack = (m: WorkerResponse) => {
    const text = serialize(m);
    const r = readReply(text);
    expect(r.ok ? 'read' : r.reason).toBe('read');
    expect(r.ok && r.reply).toEqual(JSON.parse(text));
  };

  const cNames = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.c'))
    .map((f) => f.slice(0, -2))
    .sort();
  const load = async (file: string): Promise<Program> => {
    const [name, lang] = file.split('.') as [string, string];
    if (lang === 'c') {
      const r = await compileC(readFileSync(`${examplesDir}${file}`, 'utf8'), file);
      if (!r.ok) throw new Error(`${file}:${r.error.line}: ${r.error.message}`);
      return r.program;
    }
    const mod = (await import(`../../content/examples/${name}.ts`)) as {
      default: Program['main'];
      options?: Program['options'];
    };
    return { main: mod.default, options: mod.options ?? {}, name };
  };

  test.each([...exampleNames.map((n) => `${n}.ts`), ...cNames.map((n) => `${n}.c`)])(
    '%s: a check, a replay and a Be-the-scheduler state',
    async (file) => {
      const p = await load(file);
      // A few executions are enough to meet every kind of event the example's threads produce.
      const report = explore(p, { stopAtFirst: false, maxExecutions: 8 });
      const trace = report.findings[0]?.trace ?? report.sample?.trace ?? [];
      readBack({ type: 'result', id: 1, report, log: logLines(trace) });
      const schedule = report.findings[0]?.schedule ?? report.sample?.schedule ?? '';
      readBack({ type: 'result', id: 2, report: explore(p, { strategy: 'replay', schedule }), log: [] });
      const path = decodeSchedule(schedule);
      readBack({ type: 'sched-state', id: 3, state: schedState(replay(p, schedule), path) });
      const half = path.slice(0, path.length >> 1);
      readBack({ type: 'sched-state', id: 4, state: schedState(replay(p, encodeSchedule(half)), half) });
    },
  );
});

describe('share links', () => {
  const link = (json: string) =>
    SHARE_PREFIX + Buffer.from(deflateSync(strToU8(json), { level: 9 })).toString('base64url');

  test('a link round-trips its code and schedule', () => {
    const r = readShare(encodeShare({ id: 'blank', codes: ['// mine'], schedule: '1000*3.1001' }));
    expect(r).toEqual({ payload: { id: 'blank', codes: ['// mine'], schedule: '1000*3.1001' } });
  });

  test('a link that inflates past the bound is refused with a reason, without inflating it all', () => {
    const bomb = link(JSON.stringify({ v: 1, i: 'blank', c: ['a\n'.repeat(2_000_000)] }));
    expect(bomb.length).toBeLessThan(100_000);
    const r = readShare(bomb);
    expect(r).toMatchObject({ refused: expect.stringMatching(/larger than the Playground accepts/) });
  });

  test('a schedule that asks for a trillion steps is dropped with a warning; the code still loads', () => {
    expect(scheduleSteps('1000*999999999999')).toBe(999999999999);
    expect(scheduleSteps('1000*3.1001.1000!SIGUSR1')).toBe(5);
    const r = readShare(link(JSON.stringify({ v: 1, i: 'blank', c: ['// code'], s: '1000*999999999999' })));
    expect(r).toMatchObject({
      payload: { id: 'blank', codes: ['// code'] },
      warning: expect.stringMatching(/more than/),
    });
    expect(r && 'payload' in r && r.payload.schedule).toBeFalsy();
  });
});

describe('saved edits', () => {
  test("a save over a version this tab never saw (another tab's, or the reader's own under a shared link) keeps that version", () => {
    const s = memoryStorage();
    const tabA: Seen = { code: null };
    const tabB: Seen = { code: null };
    expect(saveEdit('ex', 'A: an hour of work', 'h', s, tabA)).toEqual({ status: 'saved' });
    const b = saveEdit('ex', 'B: a quick try', 'h', s, tabB);
    expect(b.status).toBe('saved');
    expect(b.displaced?.code).toBe('A: an hour of work');
    expect(loadKept('ex', s)?.code).toBe('A: an hour of work');
    expect(loadEdit('ex', s)?.code).toBe('B: a quick try');
    // B's next save is over its own version: nothing more to keep.
    expect(saveEdit('ex', 'B: a quick try, 2', 'h', s, tabB).displaced).toBeUndefined();
  });

  test("a reset over a version this tab never saw keeps it; a reset of the tab's own edit does not", () => {
    const s = memoryStorage();
    saveEdit('ex', 'my own edit', 'h', s, { code: null });
    const sharedPane: Seen = { code: null };
    expect(clearEdit('ex', s, sharedPane).displaced?.code).toBe('my own edit');
    expect(loadKept('ex', s)?.code).toBe('my own edit');
    const own: Seen = { code: null };
    saveEdit('other', 'mine', 'h', s, own);
    expect(clearEdit('other', s, own).displaced).toBeUndefined();
  });

  test('a full storage says so, and the version stored before stays as it was', () => {
    const s = memoryStorage(200);
    expect(saveEdit('ex', 'old version', 'h', s).status).toBe('saved');
    expect(saveEdit('ex', 'x'.repeat(500), 'h', s, { code: 'old version' }).status).toBe('full');
    expect(loadEdit('ex', s)?.code).toBe('old version');
  });
});
