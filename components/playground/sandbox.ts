// The sandbox frame's document: an opaque-origin frame (sandbox="allow-scripts", no same-origin) whose
// content security policy allows no network. It starts one fresh worker per request and relays only
// what the checker posts on the port it hands that worker; it never runs reader code itself, so it
// stays free to terminate a runaway worker.
import { LIMITS } from './limits.ts';

/**
 * The policy: scripts only inline (this bootstrap) and from blob: (the worker), eval for the reader's
 * compiled module inside the worker, and nothing else: no fetch, no images, no frames, no forms.
 */
export const SANDBOX_CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' blob:; worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'";

interface FrameLimits {
  notices: number;
  noticeGraceMs: number;
}

// Runs in the frame, as the text of this function. Its only channel to the page is the MessagePort the
// page sends with 'boot'; its only channel from a worker is the port it gives that worker.
function bootstrap(token: string, limits: FrameLimits) {
  interface Job {
    id: number;
    siteCode: boolean;
    worker: Worker;
    answered: boolean;
    notices: number;
    timer: ReturnType<typeof setTimeout> | undefined;
  }
  let page: MessagePort | null = null;
  let url = '';
  let spare: Worker | null = null;
  let current: Job | null = null;
  // Be the scheduler: the worker that holds one program's live world between the reader's picks.
  let held: { worker: Worker; code: string; name: string } | null = null;
  const toPage = (data: string) => page?.postMessage(data);
  const fresh = () => new Worker(url);
  // The next request's worker loads while nothing else runs: never at the moment a request starts,
  // when the new request's worker and the page are busy and a core is all the reader's clicks have.
  const refill = () => {
    if (!spare && url && (!current || current.answered)) spare = fresh();
  };
  const stop = () => {
    if (!current) return;
    current.worker.terminate();
    clearTimeout(current.timer);
    current = null;
    setTimeout(refill, 0);
  };
  // A worker that has run only the site's own examples (compiled at build time) is still clean and
  // may serve the next request; one that ran a reader's program is terminated once it has answered,
  // unless it holds a Be-the-scheduler session: then it serves that program's next pick, and only it.
  const start = (request: { id: number; code?: unknown; name?: unknown }, siteCode: boolean, session: boolean) => {
    const keep =
      session && held !== null && held.code === request.code && held.name === request.name ? held.worker : null;
    if (held && !keep) held.worker.terminate();
    held = null;
    stop();
    const worker = keep ?? spare ?? fresh();
    if (!keep) spare = null;
    const channel = new MessageChannel();
    const job: Job = { id: request.id, siteCode, worker, answered: false, notices: 0, timer: undefined };
    current = job;
    channel.port1.onmessage = (e) => {
      const m: unknown = e.data;
      if (current !== job || typeof m !== 'object' || m === null) return;
      const { final, data } = m as { final?: unknown; data?: unknown };
      if (typeof data !== 'string' || typeof final !== 'boolean') return;
      if (job.answered && (final || ++job.notices > limits.notices)) return;
      toPage(data);
      if (final && !job.answered) {
        // Answered: a few late refusal notices may follow (a blocked fetch is reported a moment
        // later); then the worker and whatever the program left running in it are gone.
        job.answered = true;
        if (session && typeof request.code === 'string' && typeof request.name === 'string') {
          channel.port1.onmessage = null;
          current = null;
          held = { worker: job.worker, code: request.code, name: request.name };
          setTimeout(refill, 0);
        } else if (job.siteCode && !spare) {
          channel.port1.onmessage = null;
          current = null;
          spare = job.worker;
        } else {
          job.timer = setTimeout(() => current === job && stop(), limits.noticeGraceMs);
          setTimeout(refill, 0);
        }
      }
    };
    // What reader code posts on the worker's own channel goes nowhere.
    worker.onmessage = null;
    worker.onerror = (e) => {
      e.preventDefault();
      if (current !== job || job.answered) return;
      const message = String(e.message || 'the worker failed').slice(0, 500);
      // The checker answers even when a program fails; only a checker that died says nothing.
      setTimeout(() => {
        if (current !== job || job.answered) return;
        toPage(JSON.stringify({ type: 'error', id: job.id, phase: 'run', message }));
        stop();
      }, limits.noticeGraceMs);
    };
    worker.postMessage({ request, siteCode }, [channel.port2]);
  };
  const onBoot = (e: MessageEvent) => {
    const m: unknown = e.data;
    if (e.source !== parent || !e.ports[0] || typeof m !== 'object' || m === null) return;
    const { type, workerSource } = m as { type?: unknown; workerSource?: unknown };
    if (type !== 'boot' || typeof workerSource !== 'string') return;
    removeEventListener('message', onBoot);
    page = e.ports[0];
    url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    spare = fresh();
    page.onmessage = (ev) => {
      const r: unknown = ev.data;
      if (typeof r !== 'object' || r === null) return;
      const {
        type: t,
        message,
        siteCode,
        session,
      } = r as { type?: unknown; message?: unknown; siteCode?: unknown; session?: unknown };
      if (
        t === 'post' &&
        typeof message === 'object' &&
        message !== null &&
        typeof (message as { id?: unknown }).id === 'number'
      )
        start(message as { id: number }, siteCode === true, session === true);
      else if (t === 'stop') stop();
    };
    toPage(JSON.stringify({ type: 'ready' }));
  };
  addEventListener('message', onBoot);
  parent.postMessage({ type: 'frame-ready', token }, '*');
}

/** The frame's whole document, for an iframe's srcdoc; `token` lets the page know its own frame's first word. */
export function sandboxDocument(token: string): string {
  const limits: FrameLimits = { notices: LIMITS.notices, noticeGraceMs: LIMITS.noticeGraceMs };
  const args = `${JSON.stringify(token)}, ${JSON.stringify(limits)}`;
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${SANDBOX_CSP}"><title>Playground sandbox</title></head><body><script>(${bootstrap.toString()})(${args.replace(/</g, '\\u003c')})</script></body></html>`;
}
