// Compiles edited programs in the browser with esbuild-wasm, fetched from this site (never a CDN)
// the first time it is needed, with download progress; errors come back with their line numbers.
import wasmUrl from 'esbuild-wasm/esbuild.wasm?url';
import { tsTransformOptions } from './ts-options.ts';

type Esbuild = typeof import('esbuild-wasm');

export interface CompileError {
  line: number;
  column: number;
  message: string;
}
/** `map`: esbuild's source map, so a position in the compiled code can be shown on the reader's line. */
export type CompileResult = { ok: true; code: string; map?: string } | { ok: false; errors: CompileError[] };

let loading: Promise<Esbuild> | null = null;

/** Start (or join) loading the compiler; `onProgress` gets bytes loaded and the total when known. */
export function loadCompiler(onProgress?: (loaded: number, total: number) => void): Promise<Esbuild> {
  loading ??= (async () => {
    performance.mark('fl-compiler-start');
    const [esbuild, res] = await Promise.all([import('esbuild-wasm'), fetch(wasmUrl)]);
    if (!res.ok || !res.body) throw new Error(`could not download the compiler (${res.status})`);
    const total = Number(res.headers.get('content-length')) || 14_000_000;
    let loaded = 0;
    // Count bytes as they stream into the compiler: download and compilation overlap.
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          loaded += chunk.length;
          onProgress?.(loaded, total);
          out.enqueue(chunk);
        },
      }),
    );
    const wasmModule = await WebAssembly.compileStreaming(
      new Response(counted, { headers: { 'content-type': 'application/wasm' } }),
    );
    performance.mark('fl-compiler-compiled');
    await esbuild.initialize({ wasmModule, worker: true });
    // A first transform warms the compiler's code paths, so the reader's own compile is quick.
    await esbuild.transform('export const x: number = 1;', { loader: 'ts', format: 'cjs' });
    performance.mark('fl-compiler-ready');
    return esbuild;
  })();
  loading.catch(() => (loading = null));
  return loading;
}

export function compilerLoaded(): boolean {
  return loading !== null;
}

/** TypeScript to CommonJS, as the build does for unedited examples. */
export async function compile(
  source: string,
  name: string,
  onProgress?: (loaded: number, total: number) => void,
): Promise<CompileResult> {
  const esbuild = await loadCompiler(onProgress);
  try {
    const r = await esbuild.transform(source, tsTransformOptions(name));
    return { ok: true, code: r.code, map: r.map };
  } catch (e) {
    const errors =
      (e as { errors?: { text: string; location?: { line: number; column: number } | null }[] }).errors ?? [];
    if (!errors.length) return { ok: false, errors: [{ line: 1, column: 0, message: String(e) }] };
    return {
      ok: false,
      errors: errors.map((x) => ({ line: x.location?.line ?? 1, column: x.location?.column ?? 0, message: x.text })),
    };
  }
}
