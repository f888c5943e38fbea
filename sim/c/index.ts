// The C front end: compileC(source, file) turns a C file into a Program for the existing engine.
// Preprocess (sim/c/preprocess.ts), parse with tree-sitter-c (sim/c/parse.ts), compile to closures
// (sim/c/compile.ts). Nothing here imports node: modules, so it runs in a Web Worker as well; in Node
// the wasm files are read from node_modules, in a browser call provideWasm() first.
import type { Expected, ProgramOptions, Verdict } from '../types.ts';
import type { LoadResult } from '../load-node.ts';
import { Compiler } from './compile.ts';
import { firstSyntaxError, parseC, type PNode } from './parse.ts';
import { CError, preprocess, type PreprocessOptions } from './preprocess.ts';

export { provideWasm, parseC, type PNode, type WasmBytes } from './parse.ts';
export { includeBeside } from './include-node.ts';
export { preprocess } from './preprocess.ts';
export { FUEL } from './compile.ts';
export { LOC } from '../position.ts';

const VERDICTS: readonly Verdict[] = ['ok', 'deadlock', 'assertion', 'fd-leak', 'unsafe-call', 'error'];

/** Reads `// forklore: libc=glibc plash expect=deadlock also=fd-leak` into options and expected. */
export function parseForkloreLine(text: string, line: number): { options: ProgramOptions; expected?: Expected } {
  const options: ProgramOptions = {};
  let expected: Expected | undefined;
  const also: Verdict[] = [];
  for (const item of text.split(/\s+/).filter(Boolean)) {
    const [k, v] = item.includes('=')
      ? [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]
      : [item, undefined];
    const bad = (why: string): never => {
      throw new CError(`// forklore: ${item}: ${why}`, line, 1);
    };
    switch (k) {
      case 'libc':
        if (v === 'none' || v === 'glibc-2.7' || v === 'glibc') options.libc = v;
        else bad('libc is none, glibc-2.7 or glibc');
        break;
      case 'plash':
      case 'strict':
        if (v !== undefined) bad(`${k} is a bare flag`);
        options[k] = true;
        break;
      case 'futex':
        if (v === 'exact' || v === 'blocking') options.futex = v;
        else bad('futex is exact or blocking');
        break;
      case 'stdout':
        if (v === 'terminal' || v === 'pipe') options.stdout = v;
        else bad('stdout is terminal or pipe');
        break;
      case 'expect':
        if (!VERDICTS.includes(v as Verdict)) bad(`expect is one of ${VERDICTS.join(', ')}`);
        expected = { verdict: v as Verdict };
        break;
      case 'also':
        for (const x of (v ?? '').split(',')) {
          if (!VERDICTS.includes(x as Verdict)) bad(`also lists kinds among ${VERDICTS.join(', ')}`);
          also.push(x as Verdict);
        }
        break;
      default:
        bad('unknown item (libc=, plash, strict, futex=, stdout=, expect=, also=)');
    }
  }
  if (also.length > 0) {
    if (!expected) throw new CError('// forklore: also= needs expect=', line, 1);
    expected.also = also;
  }
  return expected ? { options, expected } : { options };
}

function baseName(file: string): string {
  const b = file.split(/[\\/]/).pop() ?? file;
  return b.replace(/\.c$/, '');
}

/**
 * Compiles C source into a Program. Compile errors come back as values with a source position.
 * `parse` replaces tree-sitter for the preprocessed text: the browser's worker passes a tree parsed at
 * build time for an unedited example (components/playground/c-tree.ts), so no wasm is needed for it.
 */
export async function compileC(
  source: string,
  file: string,
  parse: (text: string) => Promise<PNode> = parseC,
  opts: { track?: boolean; include?: PreprocessOptions['include'] } = {},
): Promise<LoadResult> {
  const fail = (line: number, column: number, message: string): LoadResult => ({
    ok: false,
    error: { file, line, column, message },
  });
  let files = new Map<string, { line: number; column: number }>();
  try {
    const pp = preprocess(source, file.split(/[\\/]/).pop() ?? file, opts.include ? { include: opts.include } : {});
    files = pp.files;
    let options: ProgramOptions = {};
    let expected: Expected | undefined;
    for (const d of pp.directives) {
      if (d.key !== 'forklore') continue;
      const r = parseForkloreLine(d.text, d.line);
      options = { ...options, ...r.options };
      if (r.expected) expected = r.expected;
    }
    let root: PNode;
    try {
      root = await parse(pp.text);
    } catch (e) {
      return fail(1, 1, `the C parser could not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    const bad = firstSyntaxError(root);
    if (bad) {
      const p = pp.map(bad.row, bad.col);
      const what = bad.missing
        ? `syntax error: missing ${bad.type}`
        : `syntax error near ${JSON.stringify(bad.text.split('\n')[0]!.slice(0, 30))}`;
      const at = p.file !== undefined ? files.get(p.file) : undefined;
      return at ? fail(at.line, at.column, `${p.file}:${p.line}:${p.column}: ${what}`) : fail(p.line, p.column, what);
    }
    const cx = new Compiler({ root, file, map: pp.map, includes: pp.includes, track: opts.track === true });
    cx.compileUnit(root);
    const name = baseName(file);
    const main = cx.program(name, root);
    const program = { main, options, name, ...(expected ? { expected } : {}) };
    return { ok: true, program };
  } catch (e) {
    if (e instanceof CError) {
      // An error in an #included file is reported at the #include that brought it in, naming its place.
      const at = e.file !== undefined ? files.get(e.file) : undefined;
      if (at) return fail(at.line, at.column, `${e.file}:${e.line}:${e.column}: ${e.message}`);
      return fail(e.line, e.column, e.message);
    }
    throw e;
  }
}
