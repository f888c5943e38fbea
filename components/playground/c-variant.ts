// Build time: what a Playground carries for the C twin of an example. The source as readers see it
// (the verdict the test suite expects taken off the `// forklore:` line, as `expected` is for
// TypeScript), and its syntax tree packed (c-tree.ts), so an unedited C program runs with no parser.
import { parseC, preprocess } from '../../sim/c/index.ts';
import { packTree } from './c-tree.ts';

/** Drops expect= and also= from the `// forklore:` line (and the line itself when nothing is left). */
export function readerC(source: string): string {
  return source.replace(/^\/\/ forklore:([^\n]*)\n/m, (_line, items: string) => {
    const kept = items
      .split(/\s+/)
      .filter((x) => x && !/^(expect|also)=/.test(x))
      .join(' ');
    return kept ? `// forklore: ${kept}\n` : '';
  });
}

/** The packed tree of `source` as JSON text, as the worker reads it. */
export async function packedTree(source: string, file: string): Promise<string> {
  const pp = preprocess(source, file);
  return JSON.stringify(packTree(await parseC(pp.text), pp.text));
}
