// The page's "Reproduce on Linux" button: asks for the reproducer of the counterexample on screen
// (written in the sandboxed worker, reproduce-file.ts) and hands the file to the browser's download.
// Only text travels: nothing is compiled or run, in the page or anywhere.

export interface Reproduction {
  fileName: string;
  text: string;
  /** Steps the replay cannot force (empty: every run of a deadlock's reproducer hangs). */
  notForceable: string[];
}

/** Hands the file to the browser's download (a Blob URL on a temporary link). */
export function download(r: Reproduction, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([r.text], { type: 'text/x-csrc' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = r.fileName;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A "Reproduce on Linux" button appended to `host`. `make` writes the reproducer of the counterexample
 * shown, or throws why it cannot (the schedule does not fit, the worker was stopped).
 */
export function reproduceButton(host: HTMLElement, make: () => Promise<Reproduction>): HTMLButtonElement {
  const doc = host.ownerDocument;
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'fl-pg-reproduce';
  button.dataset.reproduce = '';
  button.textContent = 'Reproduce on Linux';
  button.title = 'Download a C program that forces this schedule on real threads (gcc -pthread; run it with timeout)';
  const status = doc.createElement('span');
  status.className = 'fl-pg-reproduce-status';
  status.setAttribute('role', 'status');
  button.addEventListener('click', () => {
    status.textContent = 'Writing the reproducer…';
    make().then(
      (r) => {
        download(r, doc);
        status.textContent = r.notForceable.length
          ? `Downloaded ${r.fileName}. Not forced: ${r.notForceable.join('; ')}.`
          : `Downloaded ${r.fileName}: gcc -pthread -o repro ${r.fileName} && timeout 10 ./repro; echo $? (124: it hung).`;
      },
      (e: unknown) => {
        status.textContent = `Cannot reproduce: ${e instanceof Error ? e.message : String(e)}`;
      },
    );
  });
  host.append(button, ' ', status);
  return button;
}
