// Macro expansion: object-like and function-like macros with # and ##, __VA_ARGS__, __LINE__ and
// __FILE__, each macro hidden inside its own expansion. expandLine keeps a column map from the output
// back to the source line: a macro use maps as a whole to the column of its name.
import { CError, tokenize, trimWs, type Macro, type OutLine, type Tok } from './tokens.ts';

export class Expander {
  readonly macros = new Map<string, Macro>();
  /** __FILE__: the file being read (an #included one while it is). */
  constructor(public file: string) {}

  /** Expands macros in a token list (tokens from the source keep their columns). */
  expandTokens(toks: Tok[], hide: Set<string>, line: number): Tok[] {
    const out: Tok[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.k === 'id' && (t.v === '__LINE__' || t.v === '__FILE__')) {
        out.push({
          k: t.v === '__LINE__' ? 'num' : 'str',
          v: t.v === '__LINE__' ? String(line) : JSON.stringify(this.file),
          col: t.col,
        });
        continue;
      }
      const m = t.k === 'id' && !hide.has(t.v) ? this.macros.get(t.v) : undefined;
      if (!m) {
        out.push(t);
        continue;
      }
      if (m.params === null) {
        const h = new Set(hide).add(m.name);
        out.push(
          ...this.expandTokens(
            m.body.map((b) => ({ ...b, col: -1 })),
            h,
            line,
          ).map((x) => ({ ...x, col: -1 })),
        );
        continue;
      }
      // A function-like macro needs '(' next (whitespace allowed); otherwise it is a plain name.
      let j = i + 1;
      while (toks[j]?.k === 'ws') j++;
      if (toks[j]?.v !== '(') {
        out.push(t);
        continue;
      }
      const args: Tok[][] = [[]];
      let depth = 0;
      j++;
      for (; j < toks.length; j++) {
        const a = toks[j]!;
        if (a.v === '(') depth++;
        else if (a.v === ')') {
          if (depth === 0) break;
          depth--;
        } else if (a.v === ',' && depth === 0 && !(m.variadic && args.length > m.params.length)) {
          args.push([]);
          continue;
        }
        args[args.length - 1]!.push(a);
      }
      if (j >= toks.length) throw new CError(`the arguments of macro ${m.name} have no closing ')'`, line, t.col + 1);
      const trimmed = args.map((a) => trimWs(a));
      if (trimmed.length === 1 && trimmed[0]!.length === 0 && m.params.length === 0) trimmed.length = 0;
      const want = m.params.length;
      if (trimmed.length < want || (!m.variadic && trimmed.length > want)) {
        throw new CError(
          `macro ${m.name} takes ${want} argument${want === 1 ? '' : 's'}, got ${trimmed.length}`,
          line,
          t.col + 1,
        );
      }
      const argMap = new Map<string, Tok[]>();
      m.params.forEach((p, k) => argMap.set(p, trimmed[k] ?? []));
      if (m.variadic) {
        const extra = trimmed.slice(want);
        const joined: Tok[] = [];
        extra.forEach((a, k) => {
          if (k > 0) joined.push({ k: 'punct', v: ',', col: -1 }, { k: 'ws', v: ' ', col: -1 });
          joined.push(...a);
        });
        argMap.set('__VA_ARGS__', joined);
      }
      // Substitute: # stringizes, ## pastes, other parameters are fully expanded first.
      const body = m.body;
      const sub: Tok[] = [];
      for (let b = 0; b < body.length; b++) {
        const bt = body[b]!;
        if (bt.v === '#' && body[b + 1]?.k === 'id' && argMap.has(body[b + 1]!.v)) {
          const text = argMap
            .get(body[b + 1]!.v)!
            .map((x) => x.v)
            .join('');
          sub.push({ k: 'str', v: JSON.stringify(text), col: -1 });
          b++;
          continue;
        }
        if (bt.v === '##') {
          while (sub[sub.length - 1]?.k === 'ws') sub.pop();
          let c = b + 1;
          while (body[c]?.k === 'ws') c++;
          const nx = body[c];
          const right = nx && nx.k === 'id' && argMap.has(nx.v) ? argMap.get(nx.v)! : nx ? [nx] : [];
          const left = sub.pop();
          const pasted = (left?.v ?? '') + (right[0]?.v ?? '');
          sub.push(...tokenize(pasted, line).map((x) => ({ ...x, col: -1 })), ...right.slice(1));
          b = c;
          continue;
        }
        if (bt.k === 'id' && argMap.has(bt.v)) {
          const nextNonWs = body.slice(b + 1).find((x) => x.k !== 'ws');
          const raw = argMap.get(bt.v)!;
          sub.push(...(nextNonWs?.v === '##' ? raw : this.expandTokens(raw, hide, line)));
          continue;
        }
        sub.push(bt);
      }
      const h = new Set(hide).add(m.name);
      out.push(
        ...this.expandTokens(
          sub.map((x) => ({ ...x, col: -1 })),
          h,
          line,
        ).map((x) => ({ ...x, col: -1 })),
      );
      i = j;
    }
    return out;
  }

  /**
   * The name of the function-like macro whose call `toks` opens and does not close (its arguments go on
   * on the next lines, C11 6.10.3p10: "the sequence of preprocessing tokens bounded by the outside-most
   * matching parentheses", newlines being white space there), or null.
   */
  openCall(toks: Tok[]): Tok | null {
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.k !== 'id' || !this.macros.get(t.v)?.params) continue;
      let j = i + 1;
      while (toks[j]?.k === 'ws') j++;
      if (toks[j]?.v !== '(') continue;
      let depth = 0;
      for (; j < toks.length; j++) {
        if (toks[j]!.v === '(') depth++;
        else if (toks[j]!.v === ')' && --depth === 0) break;
      }
      if (j >= toks.length) return t;
      i = j;
    }
    return null;
  }

  expandLine(toks: Tok[], line: number): OutLine {
    // Expand each macro use, remembering for each output position where it came from.
    const segs: OutLine['segs'] = [];
    let text = '';
    // Walk the original tokens; a macro use becomes its expansion with a fixed mapping to its column.
    let i = 0;
    while (i < toks.length) {
      const t = toks[i]!;
      const m = t.k === 'id' ? this.macros.get(t.v) : undefined;
      if (!m && !(t.k === 'id' && (t.v === '__LINE__' || t.v === '__FILE__'))) {
        segs.push({ out: text.length, orig: t.col, fixed: false, ...(t.row ? { row: t.row } : {}) });
        text += t.v;
        i++;
        continue;
      }
      // Find the extent of this use (for function-like: through the matching ')').
      let end = i + 1;
      if (m && m.params !== null) {
        let j = i + 1;
        while (toks[j]?.k === 'ws') j++;
        if (toks[j]?.v === '(') {
          let depth = 0;
          for (; j < toks.length; j++) {
            if (toks[j]!.v === '(') depth++;
            else if (toks[j]!.v === ')' && --depth === 0) break;
          }
          end = j + 1;
        }
      }
      const exp = this.expandTokens(toks.slice(i, end), new Set(), line).filter((x) => x.k !== 'ws');
      segs.push({ out: text.length, orig: t.col, fixed: true, ...(t.row ? { row: t.row } : {}) });
      text += exp.map((x) => x.v).join(' ');
      i = end;
    }
    return { text, segs };
  }
}
