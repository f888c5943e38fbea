// Checks the sandbox's answer against the report schema before the command formats any of it. The
// answer is a JSON string; anything that does not have the shape of a report (or of a load error)
// is refused as a whole, so nothing the checked program forged can be printed as a verdict.
import type { Finding, Report, StrategyName, Verdict } from '../types.ts';
import { FUTEXES, LIBCS, STDOUTS, type Model, type ModelSource } from './model.ts';

export type Answer =
  | { kind: 'report'; report: Report; model: Model; source: Record<keyof Model, ModelSource>; ignored: string[] }
  | { kind: 'load-error'; message: string; stack: string; line?: number | undefined; column?: number | undefined }
  | { kind: 'bad-input'; message: string }
  | { kind: 'crash'; message: string }
  /** `forklore reproduce`: the forced replay's C source, made from the program's counterexample. */
  | {
      kind: 'reproducer';
      source: string;
      schedule: string;
      given: string;
      finding: string;
      notForceable: string[];
      caveats: string[];
    };

/** Answers larger than this are refused before parsing (a 50 MB printf still fits). */
export const MAX_ANSWER_CHARS = 256 * 1024 * 1024;

const VERDICTS: readonly Verdict[] = ['ok', 'deadlock', 'assertion', 'fd-leak', 'unsafe-call', 'error'];
const STRATEGIES: readonly StrategyName[] = ['dpor', 'enumerate', 'random', 'pct', 'replay'];
const STOPPED_BY = ['maxExecutions', 'maxTime', 'preemptionBound', 'maxSteps', 'cancelled', 'sampling'];
const SOURCES: readonly ModelSource[] = ['command line', 'file', 'default'];

class Invalid extends Error {}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function need(ok: boolean, what: string): void {
  if (!ok) throw new Invalid(what);
}
const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown) => typeof v === 'string';
const strs = (v: unknown) => Array.isArray(v) && v.every(str);

function event(e: unknown, where: string): void {
  need(isObj(e), `${where} is not an object`);
  const o = e as Record<string, unknown>;
  need(str(o.type), `${where}.type`);
  for (const k of ['step', 'pid', 'tid']) need(count(o[k]), `${where}.${k}`);
  need(o.time === undefined || finite(o.time), `${where}.time`);
  if (o.lock !== undefined && typeof o.lock !== 'string') {
    need(isObj(o.lock) && finite(o.lock.addr) && str(o.lock.name) && str(o.lock.kind), `${where}.lock`);
  }
  for (const k of [
    'fn',
    'sig',
    'name',
    'path',
    'text',
    'what',
    'mutex',
    'message',
    'detail',
    'phase',
    'how',
    'internal',
    'context',
    'cond',
  ]) {
    need(o[k] === undefined || str(o[k]), `${where}.${k}`);
  }
  for (const k of [
    'child',
    'target',
    'addr',
    'val',
    'count',
    'result',
    'word',
    'index',
    'fd',
    'from',
    'to',
    'bytes',
    'owner',
    'intoPid',
    'parent',
    'parentTid',
  ]) {
    need(o[k] === undefined || finite(o[k]), `${where}.${k}`);
  }
  for (const k of ['woken', 'closed', 'fds'])
    need(o[k] === undefined || (Array.isArray(o[k]) && (o[k] as unknown[]).every(finite)), `${where}.${k}`);
}

function trace(t: unknown, where: string): void {
  need(Array.isArray(t), `${where} is not a list`);
  (t as unknown[]).forEach((e, i) => event(e, `${where}[${i}]`));
}

function finding(f: unknown, i: number): void {
  const where = `findings[${i}]`;
  need(isObj(f), where);
  const o = f as Record<string, unknown>;
  need(VERDICTS.includes(o.kind as Verdict) && o.kind !== 'ok', `${where}.kind`);
  need(str(o.message), `${where}.message`);
  need(str(o.schedule), `${where}.schedule`);
  trace(o.trace, `${where}.trace`);
  if (o.stuck !== undefined) {
    need(Array.isArray(o.stuck), `${where}.stuck`);
    for (const s of o.stuck as unknown[]) {
      need(isObj(s) && count(s.pid) && count(s.tid) && str(s.sentence), `${where}.stuck`);
      need(waitTarget((s as Record<string, unknown>).waitsFor), `${where}.stuck.waitsFor`);
    }
  }
}

/** A stuck thread's WaitTarget: a kind the world reports, with that kind's fields. */
function waitTarget(w: unknown): boolean {
  if (!isObj(w)) return false;
  switch (w.kind) {
    case 'mutex':
      return str(w.name) && finite(w.addr);
    case 'cond':
    case 'sem':
    case 'pipe':
    case 'signal':
      return str(w.name);
    case 'join':
      return finite(w.tid);
    case 'waitpid':
      // waitpid(-1) waits for any child.
      return finite(w.pid);
    case 'op':
      return str(w.op);
    default:
      return false;
  }
}

function report(r: unknown): void {
  need(isObj(r), 'report');
  const o = r as Record<string, unknown>;
  need(VERDICTS.includes(o.verdict as Verdict), 'report.verdict');
  need(STRATEGIES.includes(o.strategy as StrategyName), 'report.strategy');
  need(isObj(o.completeness), 'report.completeness');
  const c = o.completeness as Record<string, unknown>;
  need(
    c.complete === true || (c.complete === false && STOPPED_BY.includes(c.stoppedBy as string)),
    'report.completeness',
  );
  need(Array.isArray(o.findings), 'report.findings');
  (o.findings as unknown[]).forEach(finding);
  // The verdict is the worst finding; a report that says ok with findings (or the reverse) is forged.
  const findings = o.findings as Finding[];
  need((o.verdict === 'ok') === (findings.length === 0), 'report.verdict does not match its findings');
  need(o.verdict === 'ok' || findings.some((f) => f.kind === o.verdict), 'report.verdict does not match its findings');
  need(strs(o.notes), 'report.notes');
  need(isObj(o.stats), 'report.stats');
  const s = o.stats as Record<string, unknown>;
  need(count(s.executions) && count(s.distinctOutcomes) && finite(s.elapsedMs), 'report.stats');
  for (const k of ['blocked', 'failedRuns', 'runs']) need(s[k] === undefined || count(s[k]), `report.stats.${k}`);
  if (o.sample !== undefined) {
    need(isObj(o.sample) && str(o.sample.schedule), 'report.sample');
    trace((o.sample as Record<string, unknown>).trace, 'report.sample.trace');
  }
}

/** Parses and checks the sandbox's answer; throws an Error naming the first thing that is wrong. */
export function parseAnswer(json: unknown): Answer {
  try {
    need(typeof json === 'string' && json.length <= MAX_ANSWER_CHARS, 'the answer is not a string of a sensible size');
    let a: unknown;
    try {
      a = JSON.parse(json as string);
    } catch {
      throw new Invalid('the answer is not JSON');
    }
    need(isObj(a), 'the answer is not an object');
    const o = a as Record<string, unknown>;
    switch (o.kind) {
      case 'report': {
        report(o.report);
        const m = o.model as Partial<Model> | null;
        need(
          isObj(m) &&
            LIBCS.includes(m.libc!) &&
            typeof m.strict === 'boolean' &&
            typeof m.plash === 'boolean' &&
            FUTEXES.includes(m.futex!) &&
            STDOUTS.includes(m.stdout!),
          'model',
        );
        need(
          isObj(o.source) &&
            ['libc', 'strict', 'plash', 'futex', 'stdout'].every((k) =>
              SOURCES.includes((o.source as Record<string, ModelSource>)[k]!),
            ),
          'model source',
        );
        need(strs(o.ignored), 'ignored');
        return o as Answer;
      }
      case 'load-error':
        need(str(o.message) && (o.stack === undefined || str(o.stack)), 'load error');
        need(
          (o.line === undefined || count(o.line)) && (o.column === undefined || count(o.column)),
          'load error position',
        );
        return {
          kind: 'load-error',
          message: o.message as string,
          stack: (o.stack as string | undefined) ?? '',
          line: o.line as number | undefined,
          column: o.column as number | undefined,
        };
      case 'reproducer':
        need(
          str(o.source) && str(o.schedule) && str(o.given) && str(o.finding) && strs(o.notForceable) && strs(o.caveats),
          'reproducer',
        );
        return {
          kind: 'reproducer',
          source: o.source as string,
          schedule: o.schedule as string,
          given: o.given as string,
          finding: o.finding as string,
          notForceable: o.notForceable as string[],
          caveats: o.caveats as string[],
        };
      case 'bad-input':
      case 'crash':
        need(str(o.message), String(o.kind));
        return { kind: o.kind, message: o.message as string };
      default:
        throw new Invalid('unknown answer kind');
    }
  } catch (e) {
    if (e instanceof Invalid)
      throw new Error(`the sandbox's answer is not a valid report (${e.message})`, { cause: e });
    throw e;
  }
}
