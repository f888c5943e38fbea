// What the command believes of its sandbox's answer (sim/node/validate.ts) and how it prints strings
// that came from a program (sim/node/escape.ts): a forged or malformed report is refused whole, and
// no control character reaches the terminal.
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../sim/node/validate.ts';
import { escapeDeep, escapeText, safeJson } from '../../sim/node/escape.ts';

const event = { type: 'thread.start', step: 0, pid: 1000, tid: 1000, time: 0, fn: 'main', args: [] };
const finding = {
  kind: 'deadlock',
  message: 'stuck',
  schedule: '1000*2',
  trace: [event],
  stuck: [{ pid: 1000, tid: 1000, waitsFor: { kind: 'mutex', name: 'm', addr: 1 }, sentence: 's' }],
};
const good = {
  kind: 'report',
  report: {
    verdict: 'deadlock',
    completeness: { complete: true },
    findings: [finding],
    notes: [],
    stats: { executions: 3, distinctOutcomes: 2, elapsedMs: 5 },
    strategy: 'dpor',
  },
  model: { libc: 'glibc', strict: false, plash: false, futex: 'exact', stdout: 'terminal' },
  source: { libc: 'file', strict: 'default', plash: 'default', futex: 'command line', stdout: 'default' },
  ignored: [],
};
const json = (v: unknown) => JSON.stringify(v);
const withReport = (patch: Record<string, unknown>) => json({ ...good, report: { ...good.report, ...patch } });

describe('the sandbox answer', () => {
  it('is accepted when it has the shape of a report', () => {
    const a = parseAnswer(json(good));
    expect(a.kind).toBe('report');
  });

  it('is refused when the verdict does not match the findings (a forged ok, or a forged bug)', () => {
    expect(() => parseAnswer(withReport({ verdict: 'ok' }))).toThrow(
      /not a valid report \(report\.verdict does not match its findings\)/,
    );
    expect(() => parseAnswer(withReport({ verdict: 'deadlock', findings: [] }))).toThrow(/does not match its findings/);
    expect(() => parseAnswer(withReport({ verdict: 'assertion' }))).toThrow(/does not match its findings/);
  });

  it('is refused when any field has the wrong type or an unknown value', () => {
    expect(() => parseAnswer(withReport({ verdict: 'fine' }))).toThrow(/report\.verdict/);
    expect(() => parseAnswer(withReport({ strategy: 'bfs' }))).toThrow(/report\.strategy/);
    expect(() => parseAnswer(withReport({ completeness: { complete: false, stoppedBy: 'whim' } }))).toThrow(
      /report\.completeness/,
    );
    expect(() => parseAnswer(withReport({ stats: { executions: -1, distinctOutcomes: 1, elapsedMs: 1 } }))).toThrow(
      /report\.stats/,
    );
    expect(() => parseAnswer(withReport({ notes: [42] }))).toThrow(/report\.notes/);
    expect(() => parseAnswer(withReport({ findings: [{ ...finding, trace: [{ ...event, step: 1e300 }] }] }))).toThrow(
      /findings\[0\]\.trace\[0\]\.step/,
    );
    expect(() =>
      parseAnswer(withReport({ findings: [{ ...finding, trace: [{ ...event, fn: { toString: 1 } }] }] })),
    ).toThrow(/trace\[0\]\.fn/);
    expect(() => parseAnswer(withReport({ sample: { schedule: 1, trace: [] } }))).toThrow(/report\.sample/);
    const stuckOn = (waitsFor: unknown) =>
      withReport({ findings: [{ ...finding, stuck: [{ ...finding.stuck[0], waitsFor }] }] });
    expect(() => parseAnswer(stuckOn({ kind: 'mutex', name: 'm' }))).toThrow(/stuck\.waitsFor/);
    expect(() => parseAnswer(stuckOn({ kind: 'spell', name: 'm' }))).toThrow(/stuck\.waitsFor/);
    expect(() => parseAnswer(stuckOn({ kind: 'join', name: 'm' }))).toThrow(/stuck\.waitsFor/);
    expect(parseAnswer(stuckOn({ kind: 'waitpid', pid: -1 })).kind).toBe('report');
    expect(() => parseAnswer(json({ ...good, model: { ...good.model, libc: 'musl' } }))).toThrow(/model/);
    expect(() => parseAnswer(json({ ...good, source: { ...good.source, libc: 'student' } }))).toThrow(/model source/);
  });

  it('is refused when it is not JSON, not an object, of an unknown kind, or too large', () => {
    expect(() => parseAnswer('{"kind":')).toThrow(/not JSON/);
    expect(() => parseAnswer('[1]')).toThrow(/not an object/);
    expect(() => parseAnswer(json({ kind: 'verdict', verdict: 'ok' }))).toThrow(/unknown answer kind/);
    expect(() => parseAnswer(42)).toThrow(/not a string/);
  });

  it('takes a load error with its message', () => {
    expect(parseAnswer(json({ kind: 'load-error', message: 'TypeError: x', stack: 'at program.js:3:4' }))).toEqual({
      kind: 'load-error',
      message: 'TypeError: x',
      stack: 'at program.js:3:4',
      line: undefined,
      column: undefined,
    });
  });
});

describe('strings from a program on a terminal', () => {
  it('show escape sequences, newlines, C1 controls and bidi overrides as text', () => {
    expect(escapeText('\u001b[2J\u001b[Hok\nfake line\r\t\u0007\u009b31m\u202eevil\u2066')).toBe(
      '\\e[2J\\e[Hok\\nfake line\\r\\t\\u{7}\\u{9b}31m\\u{202e}evil\\u{2066}',
    );
    expect(escapeText('libc_lock m[1] ü ✓')).toBe('libc_lock m[1] ü ✓');
  });

  it('are escaped everywhere in a report, keys too', () => {
    expect(escapeDeep({ a: ['\u001b'], ['k\n']: { b: 'x\u0085' }, n: 3 })).toEqual({
      a: ['\\e'],
      ['k\\n']: { b: 'x\\u{85}' },
      n: 3,
    });
  });

  it('in JSON keep their values but no raw C1 or bidi character', () => {
    const text = safeJson({ name: '\u001b[2J\u009b\u202e\u2028' });
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2028]/);
    expect(JSON.parse(text)).toEqual({ name: '\u001b[2J\u009b\u202e\u2028' });
  });
});
