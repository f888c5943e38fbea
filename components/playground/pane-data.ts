// Build time: what a Playground's script needs of an example beyond its highlighted listing (the
// source as readers see it, its compiled form and line map, and the C twin with its packed syntax
// tree), served as one content-hashed JSON file per example (src/pages/playground-data/) that the
// page fetches when the reader first reaches for the Playground (boot.ts), instead of inlined in
// every page that shows the example: the trees alone were a third of a chapter's HTML.
import { transform } from 'esbuild';
import { exampleSource, exampleCSource } from './examples.ts';
import { readerC, packedTree } from './c-variant.ts';
import { textHash } from './diff.ts';
import { lineMap } from './source-map.ts';
import { tsTransformOptions } from './ts-options.ts';

export interface PaneData {
  /** The TypeScript source as readers see it, its CommonJS, and the compiled-to-source line map. */
  source: string;
  compiled: string;
  lines: number[];
  /** The C twin as readers see it, with its tree packed as JSON text (c-tree.ts), when there is one. */
  c: { source: string; hash: string; tree: string } | null;
}

/** Readers see the file less the one-line `expected` export: it is for the test suite. */
export const stripExpected = (src: string): string => src.replace(/^export const expected\s*=[^\n]*;[ \t]*\n/m, '');

/** The TypeScript program compiled as the browser's compiler does it, with its line map. */
export async function compileTs(src: string, name: string): Promise<{ code: string; lines: number[] }> {
  const r = await transform(src, tsTransformOptions(name));
  return { code: r.code, lines: lineMap(r.map) };
}

/** A C program's data: its reader text, hash and packed tree. */
export async function cData(src: string, name: string): Promise<NonNullable<PaneData['c']>> {
  return { source: src, hash: textHash(src), tree: await packedTree(src, `${name || 'program'}.c`) };
}

const cache = new Map<string, Promise<{ data: PaneData; file: string }>>();

/** The example's data and the name of its file, `NAME.HASH.json` (the hash of the content). */
export function paneData(name: string): Promise<{ data: PaneData; file: string }> {
  let hit = cache.get(name);
  if (!hit) {
    hit = (async () => {
      const source = stripExpected(exampleSource(name));
      const { code, lines } = await compileTs(source, name);
      const c = exampleCSource(name);
      const data: PaneData = {
        source,
        compiled: code,
        lines,
        c: c === undefined ? null : await cData(readerC(c), name),
      };
      return { data, file: `${name}.${textHash(JSON.stringify(data))}` };
    })();
    cache.set(name, hit);
  }
  return hit;
}
