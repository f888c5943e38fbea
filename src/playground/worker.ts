// The worker that runs reader programs: loads compiled code against the bundled simulator and answers
// the page's requests (check, random, replay, Be the scheduler). It runs inside the sandbox frame.
// Loaded through a glob so that the worker still builds while a part of the simulator is missing.
const simModules = import.meta.glob<Record<string, unknown>>(['../../sim/index.ts', '../../sim/api/index.ts'], { eager: true });
const sim = (simModules['../../sim/index.ts'] ?? {}) as Record<string, unknown> & { explore: (p: Program, o: object) => Report };
const api = simModules['../../sim/api/index.ts'] ?? {};
import type { Program, ProgramOptions, Expected, Report } from '../../sim/types.ts';
import type { TraceEvent } from '../../sim/events.ts';
import type { WorkerRequest, WorkerResponse, Choice } from '../../components/playground/protocol.ts';
import { logLines } from '../../components/playground/log-lines.ts';

const post = (m: WorkerResponse) => (self as unknown as { postMessage(m: unknown): void }).postMessage(m);

let current = 0;

/** Evaluate CommonJS text with 'forklore' as its only importable module. */
function load(code: string, name: string): Program {
  const module = { exports: {} as Record<string, unknown> };
  const require = (spec: string) => {
    if (spec === 'forklore') return api;
    throw new Error(`a program can import only 'forklore' (this one imports '${spec}')`);
  };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', code)(require, module, module.exports);
  const main = module.exports.default;
  if (typeof main !== 'function') throw new Error('the program has no default export: export default function* main() { ... }');
  return {
    main: main as Program['main'],
    options: (module.exports.options as ProgramOptions | undefined) ?? {},
    expected: module.exports.expected as Expected | undefined,
    name,
  };
}

/** Reports cross postMessage: drop what cannot be cloned (functions passed as thread arguments). */
function plain<T>(x: T): T {
  return JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'function' ? `[function ${v.name || 'anonymous'}]` : typeof v === 'bigint' ? String(v) : v))) as T;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
}

/** Loads the request's program, or reports why it cannot be loaded and returns null. */
function loadOrReport(req: { id: number; code: string; name: string }): Program | null {
  try {
    return load(req.code, req.name);
  } catch (e) {
    post({ type: 'error', id: req.id, phase: 'load', message: errorMessage(e) });
    return null;
  }
}

function run(req: Extract<WorkerRequest, { type: 'run' }>) {
  const program = loadOrReport(req);
  if (!program) return;
  let lastPost = 0;
  const onProgress = (p: { executions: number; elapsedMs: number; findings: number }) => {
    const now = Date.now();
    if (now - lastPost > 100) {
      lastPost = now;
      post({ type: 'progress', id: req.id, progress: p });
    }
  };
  const opts =
    req.mode === 'random'
      ? { strategy: 'random' as const, runs: req.runs ?? 100, seed: req.seed ?? 1, stopAtFirst: false, maxTimeMs: req.maxTimeMs, onProgress }
      : req.mode === 'replay'
        ? { strategy: 'replay' as const, schedule: req.schedule, maxTimeMs: req.maxTimeMs, onProgress }
        : { stopAtFirst: false, maxTimeMs: req.maxTimeMs ?? 8000, onProgress };
  try {
    const report: Report = sim.explore(program, opts);
    const trace = report.findings[0]?.trace ?? report.sample?.trace ?? [];
    post({ type: 'result', id: req.id, report: plain(report), log: logLines(trace, sim) });
  } catch (e) {
    post({ type: 'error', id: req.id, phase: 'run', message: errorMessage(e) });
  }
}

interface RunLike {
  enabled(): { id: string; tid: number; pid: number }[];
  step(id: string): unknown;
  findings(): Omit<Report['findings'][number], 'schedule'>[];
  trace(): TraceEvent[];
  snapshot(): unknown;
}

function schedule(req: Extract<WorkerRequest, { type: 'sched' }>) {
  const program = loadOrReport(req);
  if (!program) return;
  const create = (sim as unknown as { createRun?: (p: Program, o?: object) => RunLike }).createRun;
  if (!create) {
    post({ type: 'error', id: req.id, phase: 'run', message: 'this build of the simulator cannot be stepped by hand' });
    return;
  }
  try {
    const r = create(program, {});
    for (const id of req.path) r.step(id);
    const trace = r.trace();
    const snap = r.snapshot() as Snapshot;
    const threads = (snap?.processes ?? []).flatMap((p) =>
      p.threads.filter((t) => t.state !== 'exited').map((t) => ({ tid: t.tid, pid: p.pid, state: t.state, next: t.next })),
    );
    const enabled: Choice[] = r.enabled().map((t) => ({ id: t.id, tid: t.tid, pid: t.pid, label: describeChoice(t.id, t.tid, threads) }));
    const findings = r.findings().map((f) => ({ ...f, schedule: encodeSchedule(req.path) }));
    post({
      type: 'sched-state',
      id: req.id,
      state: plain({ enabled, trace, log: logLines(trace, sim), findings, over: enabled.length === 0, schedule: encodeSchedule(req.path), threads }),
    });
  } catch (e) {
    post({ type: 'error', id: req.id, phase: 'run', message: errorMessage(e) });
  }
}

function encodeSchedule(path: string[]): string {
  const enc = (sim as unknown as { encodeSchedule?: (p: string[]) => string }).encodeSchedule;
  return enc ? enc(path) : path.join(',');
}

interface Snapshot {
  processes?: { pid: number; threads: { tid: number; state: string; next: string | null }[] }[];
}

/** Words for a choice: the thread's next operation, or the variant after the tid ("!SIGUSR1", "~spurious"). */
function describeChoice(id: string, tid: number, threads: { tid: number; next: string | null }[]): string {
  const sig = id.match(/!(\w+)/);
  if (sig) return `deliver ${sig[1]}`;
  if (id.includes('~')) return id.slice(id.indexOf('~') + 1).replace(/-/g, ' ');
  return threads.find((t) => t.tid === tid)?.next ?? 'its next step';
}

// Reader code may try what the sandbox forbids: say so instead of failing silently.
self.addEventListener('securitypolicyviolation', (e) => {
  const ev = e as SecurityPolicyViolationEvent;
  post({ type: 'blocked', id: current, what: `${ev.effectiveDirective} ${ev.blockedURI}` });
});
self.addEventListener('unhandledrejection', (e) => {
  post({ type: 'blocked', id: current, what: errorMessage((e as PromiseRejectionEvent).reason) });
  e.preventDefault();
});

self.addEventListener('message', (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  current = req.id;
  if (req.type === 'run') run(req);
  else if (req.type === 'sched') schedule(req);
});

post({ type: 'ready' });
