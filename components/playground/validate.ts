// A reply from the sandbox is read here before anything else touches it: it must be JSON text no longer
// than the bound, and once parsed it must have the shape and the sizes an honest checker produces
// (a trace of at most so many events, steps within the world's step bound, a known verdict). Anything
// else is refused with a reason; sanitize.ts then makes what passed safe to render.
import type { WorkerResponse } from './protocol.ts';
import { LIMITS } from './limits.ts';

export type ReadReply = { ok: true; reply: WorkerResponse } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

const VERDICTS = new Set(['ok', 'deadlock', 'assertion', 'fd-leak', 'unsafe-call', 'error']);

class Refused extends Error {}
function need(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Refused(what);
}

function checkStep(x: unknown, what: string) {
  need(isInt(x) && x >= 0 && x <= LIMITS.step, `${what} is not a step between 0 and ${LIMITS.step}`);
}

function checkTrace(x: unknown, what: string) {
  need(Array.isArray(x), `${what} is not a list`);
  need(x.length <= LIMITS.traceEvents, `${what} has ${x.length} events (at most ${LIMITS.traceEvents})`);
  for (const e of x) {
    need(isObj(e) && typeof e.type === 'string', `${what} holds an event without a type`);
    checkStep(e.step, `an event's step in ${what}`);
    need(isInt(e.tid) && isInt(e.pid), `an event in ${what} names no thread`);
  }
}

function checkLog(x: unknown) {
  need(Array.isArray(x), 'the log is not a list');
  need(x.length <= LIMITS.logLines, `the log has ${x.length} lines (at most ${LIMITS.logLines})`);
  for (const l of x) {
    need(isObj(l) && typeof l.text === 'string', 'a log line has no text');
    checkStep(l.step, "a log line's step");
  }
}

function checkFindings(x: unknown) {
  need(Array.isArray(x), 'the findings are not a list');
  need(x.length <= LIMITS.findings, `${x.length} findings (at most ${LIMITS.findings})`);
  for (const f of x) {
    need(
      isObj(f) && typeof f.kind === 'string' && VERDICTS.has(f.kind) && f.kind !== 'ok',
      'a finding of no known kind',
    );
    need(typeof f.message === 'string' && typeof f.schedule === 'string', 'a finding without its message or schedule');
    checkTrace(f.trace, "a finding's trace");
    if (f.stuck !== undefined) {
      need(Array.isArray(f.stuck) && f.stuck.length <= LIMITS.choices, 'the stuck threads are not a short list');
      for (const s of f.stuck)
        need(
          isObj(s) && isInt(s.tid) && isInt(s.pid) && typeof s.sentence === 'string',
          'a stuck thread without its sentence',
        );
    }
  }
}

function checkReport(r: unknown) {
  need(isObj(r), 'the report is missing');
  need(typeof r.verdict === 'string' && VERDICTS.has(r.verdict), 'the verdict is not one the checker gives');
  need(
    isObj(r.completeness) && typeof r.completeness.complete === 'boolean',
    'the report does not say whether the search was complete',
  );
  need(
    Array.isArray(r.notes) && r.notes.length <= LIMITS.findings && r.notes.every((n) => typeof n === 'string'),
    'the notes are not a short list of text',
  );
  need(
    isObj(r.stats) && isNum(r.stats.executions) && isNum(r.stats.distinctOutcomes) && isNum(r.stats.elapsedMs),
    'the statistics are missing',
  );
  need(typeof r.strategy === 'string', 'the strategy is missing');
  checkFindings(r.findings);
  // The verdict is the worst finding's kind; a report that says ok has none.
  const findings = r.findings as Obj[];
  need(
    r.verdict === 'ok' ? findings.length === 0 : findings.some((f) => f.kind === r.verdict),
    'the verdict does not match the findings',
  );
  if (r.sample !== undefined) {
    need(isObj(r.sample) && typeof r.sample.schedule === 'string', 'the sample has no schedule');
    checkTrace(r.sample.trace, "the sample's trace");
  }
}

function checkReply(m: unknown): WorkerResponse {
  need(isObj(m), 'not a message');
  if (m.type === 'ready') return { type: 'ready' };
  need(isInt(m.id), 'no request id');
  switch (m.type) {
    case 'progress': {
      const p = m.progress;
      need(
        isObj(p) && isNum(p.executions) && isNum(p.elapsedMs) && isNum(p.findings),
        'a progress report without its numbers',
      );
      return {
        type: 'progress',
        id: m.id,
        progress: { executions: p.executions, elapsedMs: p.elapsedMs, findings: p.findings },
      };
    }
    case 'beat':
      need(
        (m.phase === 'loading' || m.phase === 'running') && isNum(m.ops) && isNum(m.steps),
        'a heartbeat without its numbers',
      );
      return { type: 'beat', id: m.id, phase: m.phase, ops: m.ops, steps: m.steps };
    case 'blocked':
      need(typeof m.what === 'string', 'a refusal without its words');
      return { type: 'blocked', id: m.id, what: m.what.slice(0, LIMITS.noticeChars) };
    case 'error':
      need((m.phase === 'load' || m.phase === 'run') && typeof m.message === 'string', 'an error without its message');
      return {
        type: 'error',
        id: m.id,
        phase: m.phase,
        message: m.message.slice(0, LIMITS.textChars),
        ...(isInt(m.line) ? { line: m.line } : {}),
        ...(isInt(m.column) ? { column: m.column } : {}),
      };
    case 'reproduction':
      need(
        typeof m.fileName === 'string' &&
          /^[\w.-]{1,100}\.c$/.test(m.fileName) &&
          typeof m.text === 'string' &&
          m.text.length <= LIMITS.reproductionChars &&
          Array.isArray(m.notForceable) &&
          m.notForceable.length <= LIMITS.findings &&
          m.notForceable.every((x) => typeof x === 'string'),
        'a reproducer without its file',
      );
      return {
        type: 'reproduction',
        id: m.id,
        fileName: m.fileName,
        text: m.text,
        notForceable: m.notForceable.map((x) => x.slice(0, LIMITS.noticeChars)),
      };
    case 'result':
      checkReport(m.report);
      checkLog(m.log);
      return m as unknown as WorkerResponse;
    case 'sched-state': {
      const s = m.state;
      need(isObj(s), 'a scheduler state without its state');
      need(Array.isArray(s.enabled) && s.enabled.length <= LIMITS.choices, 'the choices are not a short list');
      for (const c of s.enabled)
        need(
          isObj(c) && typeof c.id === 'string' && isInt(c.tid) && isInt(c.pid) && typeof c.label === 'string',
          'a choice without its thread',
        );
      need(Array.isArray(s.threads) && s.threads.length <= LIMITS.choices, 'the threads are not a short list');
      for (const t of s.threads)
        need(
          isObj(t) &&
            isInt(t.tid) &&
            isInt(t.pid) &&
            typeof t.state === 'string' &&
            (t.next === null || typeof t.next === 'string'),
          'a thread without its state',
        );
      need(typeof s.over === 'boolean' && typeof s.schedule === 'string', 'a scheduler state without its schedule');
      checkTrace(s.trace, 'the trace');
      checkLog(s.log);
      checkFindings(s.findings);
      return m as unknown as WorkerResponse;
    }
    default:
      throw new Refused('a message of no known type');
  }
}

/** Reads one message from the sandbox: bounded text first, then JSON, then the shape. */
export function readReply(data: unknown): ReadReply {
  if (typeof data !== 'string') return { ok: false, reason: 'the sandbox sent something other than text' };
  if (data.length > LIMITS.replyChars)
    return { ok: false, reason: `the reply is too large (${(data.length / 1e6).toFixed(1)} million characters)` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { ok: false, reason: 'the reply is not JSON' };
  }
  try {
    return { ok: true, reply: checkReply(parsed) };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.message };
    throw e;
  }
}
