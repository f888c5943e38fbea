// The page's side of the sandbox: one hidden frame per page hosting the worker, requests by id where
// the newest wins, progress callbacks, cancellation and a watchdog that restarts a runaway worker.
import type { FrameRequest, FrameResponse, WorkerRequest, WorkerResponse } from './protocol.ts';
import type { Progress } from '../../sim/types.ts';
import { sandboxDocument } from '../../src/playground/sandbox.ts';
import { sanitizeReply } from './sanitize.ts';
import workerUrl from '../../src/playground/worker.ts?worker&url';

export type Reply = Exclude<WorkerResponse, { type: 'progress' } | { type: 'ready' } | { type: 'blocked' }>;

export interface Pending {
  promise: Promise<Reply>;
  cancel(): void;
}

/** A request before it gets its id. */
export type Unsent = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** Why a request ended without a reply. */
export class Stopped extends Error {
  constructor(public reason: 'superseded' | 'cancelled' | 'watchdog', message: string) {
    super(message);
  }
}

/** How long the worker may stay silent before it is presumed stuck in a loop that never yields. */
export const STALL_MS = 3000;

let frame: HTMLIFrameElement | null = null;
let booted: Promise<void> | null = null;
let nextId = 1;
let active: {
  id: number;
  resolve(r: Reply): void;
  reject(e: Error): void;
  onProgress?: (p: Progress) => void;
  onBlocked?: (what: string) => void;
  timer: ReturnType<typeof setTimeout> | null;
  deadline: number;
} | null = null;
let workerReady: (() => void) | null = null;
let latest = 0;
let lastBlocked: ((what: string) => void) | undefined;

function send(m: FrameRequest) {
  frame?.contentWindow?.postMessage(m, '*');
}

function boot(): Promise<void> {
  if (booted) return booted;
  booted = (async () => {
    const source = await (await fetch(workerUrl)).text();
    frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('title', 'Playground sandbox');
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.style.cssText = 'position:absolute;width:0;height:0;border:0;visibility:hidden';
    const ready = new Promise<void>((resolve) => (workerReady = resolve));
    window.addEventListener('message', (e) => {
      if (!frame || e.source !== frame.contentWindow) return;
      onFrame(sanitizeReply(e.data) as FrameResponse, source);
    });
    frame.srcdoc = sandboxDocument();
    document.body.append(frame);
    await ready;
  })();
  return booted;
}

function onFrame(m: FrameResponse, source: string) {
  if (m.type === 'frame-ready') {
    send({ type: 'boot', workerSource: source });
    return;
  }
  if (m.type === 'ready') {
    workerReady?.();
    workerReady = null;
    return;
  }
  if (m.type === 'worker-restarted') return;
  // The sandbox may refuse a request after the program's result came back (fetch fails later).
  if (m.type === 'blocked') {
    lastBlocked?.(m.what);
    return;
  }
  if (!active) return;
  if (m.type === 'progress') {
    if (m.id !== active.id) return;
    arm();
    active.onProgress?.(m.progress);
    return;
  }
  if (m.id !== active.id && m.id !== -1) return;
  const a = active;
  finish();
  a.resolve(m);
}

function finish() {
  if (active?.timer) clearTimeout(active.timer);
  active = null;
}

/** Terminate the worker and start a fresh one (it loses nothing: each request carries its program). */
function restart() {
  const ready = new Promise<void>((resolve) => (workerReady = resolve));
  send({ type: 'reset' });
  booted = (booted ?? Promise.resolve()).then(() => ready);
}

function arm() {
  if (!active) return;
  if (active.timer) clearTimeout(active.timer);
  const wait = Math.max(0, Math.min(STALL_MS, active.deadline - Date.now()));
  active.timer = setTimeout(() => {
    const a = active;
    if (!a) return;
    finish();
    restart();
    a.reject(new Stopped('watchdog', 'The program ran too long without yielding and was stopped.'));
  }, wait);
}

/** Send a request; an earlier request still running is stopped (the newest wins). */
export function request(
  msg: Unsent,
  opts: { onProgress?: (p: Progress) => void; onBlocked?: (what: string) => void; limitMs?: number } = {},
): Pending {
  const id = nextId++;
  latest = id;
  lastBlocked = opts.onBlocked;
  if (active) {
    const old = active;
    finish();
    restart();
    old.reject(new Stopped('superseded', 'A newer run replaced this one.'));
  }
  let cancel = () => {};
  const promise = new Promise<Reply>((resolve, reject) => {
    cancel = () => {
      if (active?.id !== id) return;
      finish();
      restart();
      reject(new Stopped('cancelled', 'Cancelled.'));
    };
    void boot().then(() => {
      if (id !== latest) return reject(new Stopped('superseded', 'A newer run replaced this one.'));
      active = { id, resolve, reject, onProgress: opts.onProgress, onBlocked: opts.onBlocked, timer: null, deadline: Date.now() + (opts.limitMs ?? 12000) };
      arm();
      send({ type: 'post', message: { ...msg, id } as WorkerRequest });
    }, reject);
  });
  return { promise, cancel: () => cancel() };
}

/** Start the frame and worker ahead of the first Run (on hover or focus), so that Run answers fast. */
export function warm(): void {
  void boot();
}
