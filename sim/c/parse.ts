// Parsing with tree-sitter-c (web-tree-sitter). The syntax tree is copied into plain objects (PNode)
// at once, so the compiler never holds wasm memory and the tree can be freed. Runs in Node and in a
// Web Worker: the two wasm files come from a provider (Node: read from node_modules, see below; the
// browser passes fetched bytes with provideWasm()).
import { Language, Parser } from 'web-tree-sitter';

export interface PNode {
  type: string;
  named: boolean;
  field: string | null;
  /** 0-based row and column in the preprocessed text. */
  row: number;
  col: number;
  /** Source text of the node (for leaves and small nodes; sliced lazily from the input). */
  text: string;
  missing: boolean;
  children: PNode[];
}

export interface WasmBytes {
  /** web-tree-sitter's runtime: node_modules/web-tree-sitter/tree-sitter.wasm */
  runtime: Uint8Array;
  /** the C grammar: node_modules/tree-sitter-c/tree-sitter-c.wasm */
  grammar: Uint8Array;
}

let provider: (() => Promise<WasmBytes>) | null = null;
let parserPromise: Promise<Parser> | null = null;

/** Sets where the two wasm files come from (the browser fetches them; Node reads node_modules by default). */
export function provideWasm(p: () => Promise<WasmBytes>): void {
  provider = p;
  parserPromise = null;
}

interface NodeLike {
  getBuiltinModule?: (id: string) => unknown;
  versions?: { node?: string };
}

/** Node only, without importing node: modules (the core must also load in a Web Worker). */
async function nodeWasm(): Promise<WasmBytes> {
  const proc = (globalThis as { process?: NodeLike }).process;
  const get = proc?.getBuiltinModule;
  if (!proc?.versions?.node || !get) {
    throw new Error(
      'the C front end needs its wasm files: call provideWasm() with tree-sitter.wasm and tree-sitter-c.wasm',
    );
  }
  const fs = get('node:fs') as { readFileSync(p: string): Uint8Array };
  const mod = get('node:module') as { createRequire(u: string): { resolve(id: string): string } };
  let req = mod.createRequire(import.meta.url);
  try {
    req.resolve('tree-sitter-c/tree-sitter-c.wasm');
  } catch {
    req = mod.createRequire(`${(proc as { cwd?: () => string }).cwd?.() ?? '.'}/`);
  }
  return {
    runtime: fs.readFileSync(req.resolve('web-tree-sitter/tree-sitter.wasm')),
    grammar: fs.readFileSync(req.resolve('tree-sitter-c/tree-sitter-c.wasm')),
  };
}

function getParser(): Promise<Parser> {
  if (!parserPromise) {
    parserPromise = (async () => {
      const bytes = await (provider ?? nodeWasm)();
      // locateFile: the bytes are given, and a Web Worker made from a blob: URL has no base URL to
      // resolve the runtime's own file name against (emscripten would throw "Invalid URL").
      await Parser.init({ wasmBinary: bytes.runtime, locateFile: (name: string) => name });
      const lang = await Language.load(bytes.grammar);
      const p = new Parser();
      p.setLanguage(lang);
      return p;
    })();
    parserPromise.catch(() => {
      parserPromise = null;
    });
  }
  return parserPromise;
}

/** Parses C text into plain nodes. */
export async function parseC(text: string): Promise<PNode> {
  const parser = await getParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const cur = tree.walk();
    const build = (): PNode => {
      const n: PNode = {
        type: cur.nodeType,
        named: cur.nodeIsNamed,
        field: cur.currentFieldName,
        row: cur.startPosition.row,
        col: cur.startPosition.column,
        text: '',
        missing: cur.nodeIsMissing,
        children: [],
      };
      const s = cur.startIndex;
      const e = cur.endIndex;
      n.text = text.slice(s, e);
      if (cur.gotoFirstChild()) {
        do {
          if (cur.nodeType === 'comment') continue;
          n.children.push(build());
        } while (cur.gotoNextSibling());
        cur.gotoParent();
      }
      return n;
    };
    const root = build();
    cur.delete();
    return root;
  } finally {
    tree.delete();
  }
}

/** The first syntax error in a tree: an ERROR node or a missing token. */
export function firstSyntaxError(n: PNode): PNode | null {
  if (n.type === 'ERROR' || n.missing) return n;
  for (const c of n.children) {
    const e = firstSyntaxError(c);
    if (e) return e;
  }
  return null;
}

export const field = (n: PNode, f: string): PNode | undefined => n.children.find((c) => c.field === f);
export const fields = (n: PNode, f: string): PNode[] => n.children.filter((c) => c.field === f);
export const named = (n: PNode): PNode[] => n.children.filter((c) => c.named);
