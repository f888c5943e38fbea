// The C parser's two wasm files (web-tree-sitter's runtime and tree-sitter-c's grammar), fetched from
// this site by the page the first time a reader edits or runs an edited C program, once per page
// (the files are content-hashed, so the browser's cache keeps them across pages). The page hands the
// bytes to the sandboxed worker with the program: the worker itself has no network.
import runtimeUrl from 'web-tree-sitter/tree-sitter.wasm?url';
import grammarUrl from 'tree-sitter-c/tree-sitter-c.wasm?url';

export interface CWasm {
  runtime: Uint8Array;
  grammar: Uint8Array;
}

let loading: Promise<CWasm> | null = null;

async function bytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not download the C parser (${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Start (or join) fetching the two files. */
export function loadCWasm(): Promise<CWasm> {
  loading ??= (async () => {
    performance.mark('fl-cparser-start');
    const [runtime, grammar] = await Promise.all([bytes(runtimeUrl), bytes(grammarUrl)]);
    performance.mark('fl-cparser-ready');
    return { runtime, grammar };
  })();
  loading.catch(() => (loading = null));
  return loading;
}

export function cWasmLoading(): boolean {
  return loading !== null;
}
