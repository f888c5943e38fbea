// A C example's syntax tree, parsed at build time and carried in the page as compact JSON, so the
// worker compiles an unedited C example (compileC with this tree as its parser) without downloading
// tree-sitter's wasm. Only the reader's edits need the parser itself.
import type { PNode } from '../../sim/c/index.ts';

/**
 * [type, flags, field, row, col, start, end, children] with flags bit 0 named, bit 1 missing; a node
 * whose text is not text.slice(start, end) carries it instead of the offsets: [.., text, -1, ..].
 */
export type Packed = [string, number, string | null, number, number, number | string, number, Packed[]];

/** Packs the tree of `text` (the preprocessed source it was parsed from). */
export function packTree(root: PNode, text: string): Packed {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const pack = (n: PNode): Packed => {
    const start = (starts[n.row] ?? 0) + n.col;
    const ok = text.slice(start, start + n.text.length) === n.text;
    return [
      n.type,
      (n.named ? 1 : 0) | (n.missing ? 2 : 0),
      n.field,
      n.row,
      n.col,
      ok ? start : n.text,
      ok ? start + n.text.length : -1,
      n.children.map(pack),
    ];
  };
  return pack(root);
}

/** The tree again, its texts sliced from `text`. */
export function unpackTree(p: Packed, text: string): PNode {
  const [type, flags, field, row, col, s, e, kids] = p;
  return {
    type,
    named: (flags & 1) !== 0,
    missing: (flags & 2) !== 0,
    field,
    row,
    col,
    text: typeof s === 'string' ? s : text.slice(s, e),
    children: kids.map((k) => unpackTree(k, text)),
  };
}
