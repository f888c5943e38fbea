// The page's side of the sandbox: one hidden frame per page, which starts one fresh worker per request;
// one request at a time, by id: a newer request of the same Playground replaces its older one, and a
// request of another Playground waits its turn (so that a run is never lost to a run elsewhere on the
// page); progress callbacks, cancellation and a watchdog that stops a runaway worker.
//
// The page and its frame talk only through the MessagePort the page hands over at boot, to the frame
// whose first message carried the token written into its document; a frame that loads a second
// document (a framing page navigated it) is thrown away. Every reply is read by validate.ts (bounded
// text, then JSON, then shape and sizes) and made safe to render by sanitize.ts before it is used, and
// only a reply to the request now waiting is used at all.
import type { FrameHello, FrameRequest, WorkerRequest, WorkerResponse } from './protocol.ts';
import type { Progress } from '../../sim/types.ts';
import { sandboxDocument } from './sandbox.ts';
import { sanitizeReply } from './sanitize.ts';
import { readReply } from './validate.ts';
import { LIMITS } from './limits.ts';
import { pageBound, stopKind, stopWords, type Heard, type StopKind } from './watchdog.ts';
import workerUrl from './worker.ts?worker&url';

export type Reply = Exclude<
  WorkerResponse,
  { type: 'progress' } | { type: 'ready' } | { type: 'blocked' } | { type: 'beat' }
>;

export interface Pending {
  promise: Promise<Reply>;
  cancel(): void;
}

/** A request before it gets its id. */
export type Unsent = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** Why a request ended without a reply. */
export class Stopped extends Error {
  constructor(
    public reason: 'superseded' | 'cancelled' | 'watchdog',
    message: string,
    /** For the watchdog: its head line, and which of its cases it was (watchdog.ts). */
    public head = '',
    public kind: StopKind | '' = '',
  ) {
    super(message);
  }
}

/**
 * The watchdog's bounds for a request: how long the worker may stay silent (or stepless) before it is
 * presumed stuck, and how long a Run may take in all. LIMITS' values, or shorter ones the page itself
 * set on its window as `forkloreStallMs` and `forkloreRequestMs` (the browser tests reach every case
 * of the watchdog without waiting out 3 s or 12 s). Nothing on the site sets them, a program in the
 * sandbox cannot reach them, and they never lengthen a bound (watchdog.ts pageBound).
 */
function bounds(): { stallMs: number; requestMs: number } {
  const g = globalThis as { forkloreStallMs?: unknown; forkloreRequestMs?: unknown };
  return {
    stallMs: pageBound(g.forkloreStallMs, LIMITS.stallMs),
    requestMs: pageBound(g.forkloreRequestMs, LIMITS.requestMs),
  };
}

interface Active {
  id: number;
  /** Whose request it is: a newer request of the same owner replaces it. */
  owner: unknown;
  resolve(r: Reply): void;
  reject(e: Error): void;
  onProgress: ((p: Progress) => void) | undefined;
  onBlocked: ((what: string) => void) | undefined;
  timer: ReturnType<typeof setTimeout> | null;
  started: number;
  deadline: number;
  /** How long the worker may stay silent, or finish no step, before the watchdog stops it. */
  stallMs: number;
  /** What the worker has said so far, and when it last said anything and last finished a step. */
  heard: Heard;
  beatAt: number;
  stepAt: number;
}

let frame: HTMLIFrameElement | null = null;
let port: MessagePort | null = null;
let booted: Promise<void> | null = null;
let nextId = 1;
let active: Active | null = null;

/** A request waiting for its turn (or for the frame to boot), in the order they were made. */
interface Waiting {
  id: number;
  owner: unknown;
  /** Made active: sends the request. */
  start(): void;
  reject(e: Error): void;
}
const waiting: Waiting[] = [];
/** The request taken from the queue whose frame is still booting; it is active once it has booted. */
let starting: Waiting | null = null;
/** The owner of requests made without one: they replace one another, as every request once did. */
const UNOWNED = {};
/** The last request that got its answer: its late refusal notices are still shown, a few of them. */
let answered: { id: number; onBlocked: ((what: string) => void) | undefined; notices: number } | null = null;

function send(m: FrameRequest) {
  port?.postMessage(m);
}

function token(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function isHello(x: unknown, expected: string): x is FrameHello {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as { type?: unknown }).type === 'frame-ready' &&
    (x as { token?: unknown }).token === expected
  );
}

/** Throw the frame away (it loaded a document that is not ours); the next request builds a new one. */
function discard(why: string) {
  port?.close();
  port = null;
  frame?.remove();
  frame = null;
  booted = null;
  const a = active;
  if (a) {
    finish();
    a.resolve({ type: 'error', id: a.id, phase: 'run', message: why });
  }
}

function boot(): Promise<void> {
  if (booted) return booted;
  booted = (async () => {
    const source = await (await fetch(workerUrl)).text();
    const expected = token();
    const f = document.createElement('iframe');
    f.setAttribute('sandbox', 'allow-scripts');
    f.setAttribute('title', 'Playground sandbox');
    f.setAttribute('aria-hidden', 'true');
    f.tabIndex = -1;
    f.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    const ready = new Promise<void>((resolve) => {
      const onHello = (e: MessageEvent) => {
        const win = f.contentWindow;
        if (frame !== f || !win || e.source !== win || !isHello(e.data, expected)) return;
        window.removeEventListener('message', onHello);
        const channel = new MessageChannel();
        port = channel.port1;
        port.onmessage = (ev: MessageEvent) => onPort(ev.data, resolve);
        win.postMessage({ type: 'boot', workerSource: source }, '*', [channel.port2]);
      };
      window.addEventListener('message', onHello);
    });
    let loads = 0;
    f.addEventListener('load', () => {
      if (++loads > 1 && frame === f)
        discard(
          'The sandbox frame was navigated to another document, so the Playground threw it away. Press Run again.',
        );
    });
    frame = f;
    f.srcdoc = sandboxDocument(expected);
    document.body.append(f);
    await ready;
  })();
  return booted;
}

function onPort(data: unknown, ready: () => void) {
  const read = readReply(data);
  if (!read.ok) {
    // Only the checker answers on this port, so a reply it cannot have sent is a fault: say so.
    const a = active;
    if (a) {
      finish();
      send({ type: 'stop' });
      a.resolve({
        type: 'error',
        id: a.id,
        phase: 'run',
        message: `The page refused the sandbox's reply: ${read.reason}.`,
      });
    }
    return;
  }
  const m = sanitizeReply(read.reply);
  if (m.type === 'ready') return ready();
  if (m.type === 'blocked') {
    if (active?.id === m.id) active.onBlocked?.(m.what);
    else if (answered?.id === m.id && answered.notices++ < LIMITS.notices) answered.onBlocked?.(m.what);
    return;
  }
  if (!active || m.id !== active.id) return;
  if (m.type === 'beat' || m.type === 'progress') {
    const a = active;
    const h = a.heard;
    const now = Date.now();
    a.beatAt = now;
    if (m.type === 'beat') {
      if (m.steps !== h.steps || h.phase !== 'running') a.stepAt = now;
      h.phase = m.phase;
      h.ops = m.ops;
      h.steps = m.steps;
    } else {
      if (m.progress.executions !== h.executions) a.stepAt = now;
      h.phase = 'running';
      h.executions = m.progress.executions;
      a.onProgress?.(m.progress);
    }
    return;
  }
  const a = active;
  finish();
  answered = { id: a.id, onBlocked: a.onBlocked, notices: 0 };
  a.resolve(m);
}

function finish() {
  if (active?.timer) clearTimeout(active.timer);
  active = null;
  queueMicrotask(next);
}

/** Starts the oldest waiting request, once nothing is active or starting. */
function next() {
  if (active || starting) return;
  const w = waiting.shift();
  if (!w) return;
  starting = w;
  void boot().then(
    () => {
      if (starting !== w) return next(); // replaced or cancelled while the frame booted
      starting = null;
      w.start();
    },
    (e: unknown) => {
      if (starting === w) starting = null;
      w.reject(e instanceof Error ? e : new Error(String(e)));
      next();
    },
  );
}

/** Takes a request that has not started out of the queue, or off the booting frame. */
function unqueue(id: number): boolean {
  if (starting?.id === id) {
    starting = null;
    queueMicrotask(next);
    return true;
  }
  const i = waiting.findIndex((w) => w.id === id);
  if (i < 0) return false;
  waiting.splice(i, 1);
  return true;
}

/** The watchdog: wakes when the worker has been silent, or stepless, for its stall bound, or at the deadline. */
function arm() {
  const a = active;
  if (!a) return;
  if (a.timer) clearTimeout(a.timer);
  const due = Math.min(a.beatAt + a.stallMs, a.stepAt + a.stallMs, a.deadline);
  a.timer = setTimeout(() => check(a), Math.max(0, due - Date.now()) + 5);
}

function check(a: Active) {
  if (active !== a) return;
  const now = Date.now();
  const kind = stopKind(a.heard, now - a.beatAt, now - a.stepAt, now >= a.deadline, a.stallMs);
  if (!kind) return arm();
  finish();
  send({ type: 'stop' });
  const words = stopWords(kind, a.heard, kind === 'deadline' ? now - a.started : a.stallMs);
  a.reject(new Stopped('watchdog', words.body, words.head, kind));
}

/**
 * Send a request. An earlier request of the same owner, running or waiting, is stopped (the newest
 * wins); while another owner's request runs, this one waits for it to end (onQueued is told).
 */
export function request(
  msg: Unsent,
  opts: {
    /** The Playground asking; requests without one replace one another. */
    owner?: object;
    /** This request waits for another's: it is told so, and told again when its turn comes. */
    onQueued?: () => void;
    onTurn?: () => void;
    onProgress?: (p: Progress) => void;
    onBlocked?: (what: string) => void;
    limitMs?: number;
    /** The code is the site's own build output (an unedited example): its worker may serve the next request. */
    siteCode?: boolean;
    /** Be the scheduler: the worker keeps this program's live world for its next pick (protocol.ts). */
    session?: boolean;
  } = {},
): Pending {
  const id = nextId++;
  const owner: unknown = opts.owner ?? UNOWNED;
  const replaced = () => new Stopped('superseded', 'A newer run replaced this one.');
  for (const w of [starting, ...waiting]) if (w && w.owner === owner && unqueue(w.id)) w.reject(replaced());
  if (active && active.owner === owner) {
    const old = active;
    finish();
    send({ type: 'stop' });
    old.reject(replaced());
  }
  let cancel = () => {};
  const promise = new Promise<Reply>((resolve, reject) => {
    cancel = () => {
      if (unqueue(id)) return reject(new Stopped('cancelled', 'Cancelled.'));
      if (active?.id !== id) return;
      finish();
      send({ type: 'stop' });
      reject(new Stopped('cancelled', 'Cancelled.'));
    };
    let queued = false;
    const start = () => {
      if (queued) opts.onTurn?.();
      answered = null;
      const now = Date.now();
      const { stallMs, requestMs } = bounds();
      active = {
        id,
        owner,
        resolve,
        reject,
        onProgress: opts.onProgress,
        onBlocked: opts.onBlocked,
        timer: null,
        started: now,
        deadline: now + (opts.limitMs ?? requestMs),
        stallMs,
        heard: { phase: 'nothing', ops: 0, steps: 0, executions: 0 },
        beatAt: now,
        stepAt: now,
      };
      arm();
      const message: WorkerRequest = { ...msg, id };
      send({ type: 'post', message, siteCode: opts.siteCode === true, session: opts.session === true });
    };
    waiting.push({ id, owner, start, reject });
    if (active || starting || waiting.length > 1) {
      queued = true;
      opts.onQueued?.();
    }
    next();
  });
  return { promise, cancel: () => cancel() };
}

/** Start the frame ahead of the first Run (on hover or focus), so that Run answers fast. */
export function warm(): void {
  void boot();
}
