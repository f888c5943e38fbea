// The sandbox frame's document: an opaque-origin frame (sandbox="allow-scripts", no same-origin) whose
// content security policy allows no network, hosting the worker that runs reader code.

/**
 * The policy: scripts only inline (this bootstrap) and from blob: (the worker), eval for the reader's
 * compiled module inside the worker, and nothing else: no fetch, no images, no frames, no forms.
 */
export const SANDBOX_CSP =
  "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' blob:; worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'";

// Runs in the frame. It never runs reader code itself, so it stays free to terminate a runaway worker.
function bootstrap() {
  let source: string | null = null;
  let worker: Worker | null = null;
  let url: string | null = null;
  const toPage = (m: unknown) => parent.postMessage(m, '*');
  const start = () => {
    if (!source) return;
    if (worker) worker.terminate();
    if (!url) url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = (e) => toPage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      toPage({ type: 'error', id: -1, phase: 'run', message: e.message || 'the worker failed' });
    };
  };
  addEventListener('message', (e) => {
    if (e.source !== parent) return;
    const m = e.data;
    if (m.type === 'boot') {
      source = m.workerSource;
      start();
    } else if (m.type === 'reset') {
      start();
      toPage({ type: 'worker-restarted' });
    } else if (m.type === 'post' && worker) {
      worker.postMessage(m.message);
    }
  });
  toPage({ type: 'frame-ready' });
}

/** The frame's whole document, for an iframe's srcdoc. */
export function sandboxDocument(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${SANDBOX_CSP}"><title>Playground sandbox</title></head><body><script>(${bootstrap.toString()})()</script></body></html>`;
}
