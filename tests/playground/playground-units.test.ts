// The Playground's pure parts: the timeline drawing, the state at a step, share links, the line diff,
// saved edits and the sandbox's explanations, checked in Node against real simulator traces.
import { describe, expect, test } from 'vitest';
import { explore } from '../../sim/index.ts';
import type { Program } from '../../sim/types.ts';
import * as buggy from '../../content/examples/ch1-wrapper-buggy.ts';
import * as fixed from '../../content/examples/ch1-wrapper-fixed.ts';
import * as atforkBuggy from '../../content/examples/ch3-atfork-buggy.ts';
import * as mallocRaw from '../../content/examples/ch4-malloc-buggy.ts';
import * as bz19431 from '../../content/examples/ch4-bz19431-buggy.ts';
import { timelineSvg, timelineWidth, layoutTimeline, describeEvent } from '../../components/timeline-svg.ts';
import { stateAt } from '../../components/playground/state-at.ts';
import { encodeShare, decodeShare } from '../../components/playground/share.ts';
import { changedLines, textHash } from '../../components/playground/diff.ts';
import { loadEdit, saveEdit, clearEdit } from '../../components/playground/storage.ts';
import { sandboxHint } from '../../components/playground/protocol.ts';
import { logLines } from '../../components/playground/log-lines.ts';
import { memoryStorage } from './memory-storage.ts';

const program = (m: Record<string, unknown>, name: string): Program => ({
  main: m.default as Program['main'],
  options: (m.options as Program['options']) ?? {},
  name,
});

const deadlock = explore(program(buggy, 'buggy'), { stopAtFirst: false }).findings.find((f) => f.kind === 'deadlock')!;

describe('the timeline', () => {
  test('a lock left behind by fork gets its own lane in the child, naming the owner that is not there', () => {
    const stuck = deadlock.stuck!;
    const orphanHolder = stuck.find((s) => s.holderLeftBehindByFork)!.holder!;
    const layout = layoutTimeline(deadlock.trace, stuck);
    const ghosts = [...layout.lanes.values()].filter((l) => l.ghost);
    expect(ghosts.map((g) => g.ghost!.owner)).toContain(orphanHolder);
    const childPid = stuck.find((s) => s.holderLeftBehindByFork)!.pid;
    expect(ghosts.some((g) => g.pid === childPid && g.ghost!.lock === 'libc_lock')).toBe(true);
  });

  test("glibc's internal locks that its fork resets in the child get no left-behind lane; a raw _Fork's do", () => {
    // Under glibc's fork the child is born holding the list and arena locks the parent took for the
    // fork, and glibc re-initialises them before any code of the program runs there.
    const viaFork = explore(program(atforkBuggy, 'atfork'), { stopAtFirst: false }).findings.find(
      (f) => f.kind === 'deadlock',
    )!;
    expect(viaFork.trace.some((e) => e.type === 'libc.lock-reset')).toBe(true);
    const forkGhosts = [...layoutTimeline(viaFork.trace, viaFork.stuck).lanes.values()]
      .filter((l) => l.ghost)
      .map((l) => l.ghost!.lock);
    expect(forkGhosts).toEqual(['table_lock']);
    // _Fork resets nothing: main_arena's lock, copied held by the thread freeing a block of it, stays left behind.
    const raw = explore(program(mallocRaw, 'raw'), { stopAtFirst: false }).findings.find((f) => f.kind === 'deadlock')!;
    const rawGhosts = [...layoutTimeline(raw.trace, raw.stuck).lanes.values()]
      .filter((l) => l.ghost)
      .map((l) => l.ghost!.lock);
    expect(rawGhosts).toContain('main_arena');
  });

  test('at every step its held and blocked bars are the state the simulator rebuilds for that step', () => {
    // A bar covers the steps from its start up to, not including, its end.
    const over = (b: { from: number; to: number | null }, n: number) => b.from <= n && (b.to === null || n < b.to);
    // In bz19431's a FUTEX_WAKE makes a waiter runnable steps before it runs: its box ends at the wake.
    for (const f of [deadlock, explore(program(bz19431, 'bz19431')).findings[0]!]) {
      const layout = layoutTimeline(f.trace, f.stuck);
      const pidOf = (lane: string) => layout.lanes.get(lane)?.pid;
      for (let n = 0; n <= layout.last; n++) {
        const s = stateAt(f.trace, n);
        const live = new Set(s.procs.filter((p) => p.exited === undefined).map((p) => p.pid));
        const held = layout.bars
          .filter((b) => b.kind !== 'blocked' && over(b, n))
          .map((b) => `${pidOf(b.lane)}:${b.label}`)
          .sort();
        const locks = s.locks.filter((l) => live.has(l.pid)).map((l) => `${l.pid}:${l.name}`);
        expect(held, `held after step ${n}`).toEqual(locks.sort());
        const blocked = layout.bars.filter((b) => b.kind === 'blocked' && over(b, n)).map((b) => Number(b.lane));
        const waiting = s.threads.filter((t) => t.status === 'blocked').map((t) => t.tid);
        expect(blocked.sort(), `blocked after step ${n}`).toEqual(waiting.sort());
      }
    }
  });

  test('every stuck thread ends in a stuck mark and the drawing is one standalone SVG', () => {
    const svg = timelineSvg(deadlock.trace, { stuck: deadlock.stuck, idPrefix: 't1' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const s of deadlock.stuck!) expect(svg).toContain(`class="fl-stuck" data-tid="${s.tid}"`);
    expect(svg).toContain('fl-orphan');
    expect(svg).toMatch(/<title id="t1-title">[^<]*does not exist there/);
  });

  test('timelineWidth is the width the SVG is drawn at, which grows with the steps', () => {
    const drawn = (svg: string) => Number(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
    const full = timelineWidth(deadlock.trace, deadlock.stuck);
    expect(full).toBe(drawn(timelineSvg(deadlock.trace, { stuck: deadlock.stuck })));
    const half = deadlock.trace.slice(0, Math.floor(deadlock.trace.length / 2));
    expect(timelineWidth(half)).toBe(drawn(timelineSvg(half)));
    expect(timelineWidth(half)).toBeLessThan(full);
  });

  test('a fork is drawn as the birth of a process from the forking thread', () => {
    const forks = deadlock.trace.filter((e) => e.type === 'fork');
    const svg = timelineSvg(deadlock.trace, {});
    expect(forks.length).toBeGreaterThan(0);
    expect(svg.match(/class="fl-fork"/g)?.length).toBe(forks.length);
    const layout = layoutTimeline(deadlock.trace);
    for (const f of forks)
      if (f.type === 'fork')
        expect(layout.groups.find((g) => g.pid === f.child)?.label).toMatch(
          new RegExp(`fork of ${f.pid} by thread ${f.tid}`),
        );
  });

  test('text from the program is escaped', () => {
    const svg = timelineSvg([{ type: 'thread.start', step: 0, pid: 1, tid: 1, time: 0, fn: '<script>', args: [] }]);
    expect(svg).not.toContain('<script>');
  });

  test('the cursor is drawn only when a step is given', () => {
    expect(timelineSvg(deadlock.trace, {})).not.toContain('fl-cursor');
    expect(timelineSvg(deadlock.trace, { step: 3 })).toContain('fl-cursor');
  });
});

describe('the state at a step', () => {
  test('at the end of the deadlock the child holds a lock whose owner is not one of its threads', () => {
    const last = deadlock.trace[deadlock.trace.length - 1]!.step;
    const w = stateAt(deadlock.trace, last);
    const orphan = w.locks.find((l) => l.orphan);
    expect(orphan?.name).toBe('libc_lock');
    expect(w.threads.filter((t) => t.pid === orphan!.pid).map((t) => t.tid)).not.toContain(orphan!.owner);
    expect(w.threads.some((t) => t.status === 'blocked' && t.pid === orphan!.pid)).toBe(true);
  });

  test('before the first step nothing is held', () => {
    expect(stateAt(deadlock.trace, -1).locks).toEqual([]);
  });
});

describe('share links', () => {
  test('a link holds the programs and the schedule, and reads back the same', () => {
    const p = {
      id: 'ch1-wrapper-buggy+ch1-wrapper-fixed',
      codes: [String(buggy.default), 'ünïcode ✓'],
      schedule: deadlock.schedule,
    };
    const hash = encodeShare(p);
    expect(hash.startsWith('#pg=')).toBe(true);
    expect(hash).toMatch(/^#pg=[A-Za-z0-9_-]+$/);
    expect(decodeShare(hash)).toEqual(p);
  });

  test('a damaged or foreign hash is ignored rather than trusted', () => {
    expect(decodeShare('#pg=not-deflate')).toBeNull();
    expect(decodeShare('#section-2')).toBeNull();
    expect(decodeShare('')).toBeNull();
  });
});

describe('the buggy/fixed diff', () => {
  test('only the lines that differ are marked, on each side', () => {
    const d = changedLines('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect([...d.a]).toEqual([2]);
    expect([...d.b].sort()).toEqual([2, 5]);
  });

  test('identical programs have no marked lines, and their hashes agree', () => {
    const d = changedLines('x\ny', 'x\ny');
    expect(d.a.size + d.b.size).toBe(0);
    expect(textHash('x\ny')).toBe(textHash('x\ny'));
    expect(textHash('x\ny')).not.toBe(textHash('x\nz'));
  });
});

describe('saved edits', () => {
  test('an edit is kept per example with the version it started from, until cleared', () => {
    const s = memoryStorage();
    saveEdit('ex', 'mine', 'h1', s);
    expect(loadEdit('ex', s)).toMatchObject({ code: 'mine', base: 'h1' });
    expect(loadEdit('other', s)).toBeNull();
    clearEdit('ex', s);
    expect(loadEdit('ex', s)).toBeNull();
  });

  test('a corrupted entry reads as no edit', () => {
    const s = memoryStorage();
    s.setItem('forklore:v1:edit:ex', '{not json');
    expect(loadEdit('ex', s)).toBeNull();
  });
});

describe('the sandbox explains refusals', () => {
  test.each([
    ['Failed to fetch', /network/],
    ['localStorage is not defined', /storage/],
    ["Failed to execute 'importScripts' on 'WorkerGlobalScope'", /network/],
    ['document is not defined', /no page/],
  ])('%s', (message, re) => {
    expect(sandboxHint(message)).toMatch(re);
  });

  test('an ordinary error gets no sandbox explanation', () => {
    expect(sandboxHint('x is not a function')).toBeUndefined();
  });
});

describe('the log', () => {
  test('every line belongs to a step of the trace, in order', () => {
    const lines = logLines(deadlock.trace);
    const traceSteps = new Set(deadlock.trace.map((e) => e.step));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => traceSteps.has(l.step))).toBe(true);
    const steps = lines.map((l) => l.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
  });

  test('the fixed program is clean under exhaustive search, so its views show a sample run', () => {
    const r = explore(program(fixed, 'fixed'), { stopAtFirst: false });
    expect(r.verdict).toBe('ok');
    expect(r.sample?.trace.length).toBeGreaterThan(0);
  });
});

describe('replies from the sandbox', () => {
  test('a forged report cannot smuggle markup through identifier or number fields', async () => {
    const { sanitizeReply } = await import('../../components/playground/sanitize.ts');
    const { verdictHtml } = await import('../../components/playground/views.ts');
    const forged = {
      type: 'result',
      id: 3,
      report: {
        verdict: 'deadlock',
        completeness: { complete: false, stoppedBy: '<img src=x onerror=alert(1)>' },
        findings: [
          {
            kind: 'deadlock',
            message: '<b>hi</b>',
            schedule: '1"><script>',
            trace: [],
            stuck: [{ pid: '<svg onload=x>', tid: 1, waitsFor: { kind: 'mutex' }, sentence: '<i>s</i>' }],
          },
        ],
        notes: ['<u>n</u>'],
        stats: { executions: '<script>', distinctOutcomes: 1, elapsedMs: 2 },
        strategy: 'dpor',
      },
      log: [{ step: '1<x>', text: '<pre>' }],
    };
    const safe = sanitizeReply(forged);
    expect(safe.report.findings[0]!.stuck[0]!.pid).toBe(0);
    expect(safe.report.stats.executions).toBe(0);
    expect(safe.log[0]!.step).toBe(0);
    expect(safe.report.findings[0]!.schedule).not.toMatch(/[<>"]/);
    const html = verdictHtml(safe.report as never);
    expect(html).not.toMatch(/<(img|script|svg|b|i|u)\b/);
  });

  test('a transition id with a signal or a variant survives', async () => {
    const { sanitizeReply } = await import('../../components/playground/sanitize.ts');
    const s = sanitizeReply({
      state: { enabled: [{ id: '1001!SIGUSR1', tid: 1001, pid: 1000, label: 'write(1, "x")' }] },
    });
    expect(s.state.enabled[0]).toEqual({ id: '1001!SIGUSR1', tid: 1001, pid: 1000, label: 'write(1, "x")' });
  });
});

describe("each thread's line at every step", () => {
  test('the tracking library marks each operation with its call line, read through the run', async () => {
    const api = await import('../../sim/api/index.ts');
    const { createRun, decodeSchedule } = await import('../../sim/index.ts');
    const { trackingApi, positionsOf } = await import('../../components/playground/positions.ts');
    const lib = trackingApi({ ...api });
    // Compiled-like text evaluated as the worker does: lines count from the Function's body.
    const code = [
      "const f = require('forklore');",
      "const m = f.mutex('m');",
      'module.exports.default = function* main() {',
      '  yield* f.pthread_mutex_lock(m);',
      '  yield* f.pthread_mutex_unlock(m);',
      '};',
    ].join('\n');
    const mod = { exports: {} as Record<string, unknown> };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the worker's own way of loading a program
    new Function('require', 'module', 'exports', code)(() => lib, mod, mod.exports);
    const run = createRun({ main: mod.exports.default as Program['main'], options: {}, name: 'p' }, {});
    const path = decodeSchedule('1000*2');
    const pos = positionsOf(run, path);
    expect(pos.map((s) => s.map(([, line]) => line))).toEqual([[4], [5], []]);
  });
});

describe("Be the scheduler's goals", () => {
  test('a child hangs only when a stuck thread is outside the first process; other goals are finding kinds', async () => {
    const { goalReached } = await import('../../components/playground/goal.ts');
    const stuck = (pid: number) => ({
      pid,
      tid: pid,
      waitsFor: { kind: 'mutex' as const, name: 'm', addr: 1 },
      sentence: '',
    });
    const inParent = [{ kind: 'deadlock' as const, stuck: [stuck(1000)] }];
    const inChild = [{ kind: 'deadlock' as const, stuck: [stuck(1000), stuck(1002)] }];
    expect(goalReached('child-hangs', inParent, 1000)).toBe(false);
    expect(goalReached('child-hangs', inChild, 1000)).toBe(true);
    expect(goalReached('deadlock', inParent, 1000)).toBe(true);
    expect(goalReached('fd-leak', inChild, 1000)).toBe(false);
    expect(goalReached('fd-leak', [{ kind: 'fd-leak' as const }], 1000)).toBe(true);
  });
});

describe('events in words', () => {
  test('an unlock that fails because the thread does not own the lock is named EPERM, as the chapters name it', async () => {
    const m = (await import('../../content/examples/ch6-eperm-buggy.ts')) as Record<string, unknown>;
    const report = explore(
      { main: m.default as Program['main'], options: (m.options as Program['options']) ?? {}, name: 'ch6-eperm-buggy' },
      {},
    );
    const failed = report.findings[0]!.trace.find((e) => e.type === 'mutex.unlock' && e.result !== 0)!;
    expect(failed).toBeDefined();
    expect(describeEvent(failed)).toMatch(/unlocks state_lock → EPERM \(it does not own the lock\)$/);
  });
});

describe('the verdict in words', () => {
  test("the count of distinct outcomes is said as endings, not in the explorer's term", async () => {
    const { verdictHtml } = await import('../../components/playground/views.ts');
    const report = explore(program(buggy, 'ch1-wrapper-buggy'), { stopAtFirst: false });
    expect(report.stats.distinctOutcomes).toBeGreaterThan(1);
    const html = verdictHtml(report);
    expect(html).toContain(`ending in ${report.stats.distinctOutcomes} different ways (how each process ended`);
    expect(html).not.toMatch(/distinct outcome/);
    expect(verdictHtml(explore(program(fixed, 'ch1-wrapper-fixed'), {}))).toMatch(
      /explored, all ending the same way, \d+ ms/,
    );
  });
});
