// The C front end's preprocessor: #include of known headers (by name, never read), object-like and
// function-like #define (with # and ##), #undef, #if/#ifdef/#ifndef/#elif/#else/#endif with defined(),
// #error. Output keeps one output line per input line, so a position in the output maps back to the
// source with `map(line, column)`: columns shift only where a macro was expanded (a position inside an
// expansion maps to the macro's use). Runs in Node and in a Web Worker (no I/O).

export class CError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = 'CError';
    this.line = line;
    this.column = column;
  }
}

/** The system headers the front end knows by name (their declarations are built in). */
export const KNOWN_HEADERS: ReadonlySet<string> = new Set([
  'pthread.h',
  'stdio.h',
  'stdlib.h',
  'unistd.h',
  'sys/wait.h',
  'signal.h',
  'fcntl.h',
  'errno.h',
  'string.h',
  'time.h',
  'stdint.h',
  'stdbool.h',
  'stddef.h',
  'assert.h',
  'sys/types.h',
  'sys/socket.h',
  'semaphore.h',
  'dlfcn.h',
  'inttypes.h',
  'limits.h',
  'sys/stat.h',
  'sys/syscall.h',
  'stdarg.h',
  'sched.h',
  'sys/time.h',
  'stdatomic.h',
]);
/** Included by name with quotes or angle brackets: the project's own header and glibc's test driver. */
export const PROJECT_HEADERS: ReadonlySet<string> = new Set(['forklore.h', 'support/test-driver.c']);

interface Macro {
  name: string;
  params: string[] | null; // null: object-like
  variadic: boolean;
  body: Tok[];
}

interface Tok {
  k: 'id' | 'num' | 'str' | 'chr' | 'punct' | 'ws';
  v: string;
  /** Column (0-based) in the original line; -1 for tokens made by an expansion. */
  col: number;
}

/** One output line: its text and the column map back to the original line. */
interface OutLine {
  text: string;
  /** Sorted by out: from output column `out` on, original column = orig + (col - out), or `orig` when fixed. */
  segs: { out: number; orig: number; fixed: boolean }[];
}

export interface Preprocessed {
  text: string;
  /** Headers included, by name (e.g. 'pthread.h', 'forklore.h', 'support/test-driver.c'). */
  includes: Set<string>;
  /** Maps a 0-based output (row, column) to a 1-based source (line, column). */
  map(row: number, column: number): { line: number; column: number };
  /** Line (1-based) and text of `// forklore:` and `// forklore-real:` comments. */
  directives: { line: number; key: string; text: string }[];
}

const PUNCT3 = ['...', '<<=', '>>='];
const PUNCT2 = [
  '##',
  '->',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '^=',
  '|=',
];

/** Tokenizes one logical line (comments already removed). */
function tokenize(s: string, line: number): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      let j = i;
      while (j < s.length && /[ \t\r\f\v]/.test(s[j]!)) j++;
      out.push({ k: 'ws', v: s.slice(i, j), col: i });
      i = j;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_$]/.test(s[j]!)) j++;
      out.push({ k: 'id', v: s.slice(i, j), col: i });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[i + 1] ?? ''))) {
      let j = i;
      while (
        j < s.length &&
        (/[A-Za-z0-9_.]/.test(s[j]!) || ((s[j] === '+' || s[j] === '-') && /[eEpP]/.test(s[j - 1]!)))
      )
        j++;
      out.push({ k: 'num', v: s.slice(i, j), col: i });
      i = j;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw new CError(`unterminated ${c === '"' ? 'string' : 'character'} literal`, line, i + 1);
      out.push({ k: c === '"' ? 'str' : 'chr', v: s.slice(i, j + 1), col: i });
      i = j + 1;
    } else {
      const p = PUNCT3.find((p) => s.startsWith(p, i)) ?? PUNCT2.find((p) => s.startsWith(p, i)) ?? c;
      out.push({ k: 'punct', v: p, col: i });
      i += p.length;
    }
  }
  return out;
}

const PREDEFINED: Record<string, string> = {
  __STDC__: '1',
  __STDC_VERSION__: '201112L',
  __linux__: '1',
  __unix__: '1',
  __GNUC__: '12',
  __GLIBC__: '2',
  __GLIBC_MINOR__: '36',
  __x86_64__: '1',
  __FORKLORE__: '1',
};

/** Preprocesses `src`. Throws CError with a source position on a bad directive or unknown include. */
export function preprocess(src: string, file = 'prog.c'): Preprocessed {
  const macros = new Map<string, Macro>();
  for (const [name, v] of Object.entries(PREDEFINED))
    macros.set(name, { name, params: null, variadic: false, body: tokenize(v, 0).map((t) => ({ ...t, col: -1 })) });
  const includes = new Set<string>();
  const directives: Preprocessed['directives'] = [];
  const rawLines = src.split('\n');
  // Strip comments, keeping line structure (a block comment's lines become blank).
  const lines: string[] = [];
  let inBlock = false;
  for (let n = 0; n < rawLines.length; n++) {
    const l = rawLines[n]!;
    let out = '';
    let i = 0;
    while (i < l.length) {
      if (inBlock) {
        const e = l.indexOf('*/', i);
        if (e < 0) {
          break;
        }
        out += ' '.repeat(e + 2 - i);
        i = e + 2;
        inBlock = false;
        continue;
      }
      const c = l[i]!;
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < l.length && l[j] !== c) j += l[j] === '\\' ? 2 : 1;
        out += l.slice(i, j + 1);
        i = j + 1;
      } else if (c === '/' && l[i + 1] === '/') {
        const m = /^\/\/\s*(forklore(?:-real)?):(.*)$/.exec(l.slice(i));
        if (m) directives.push({ line: n + 1, key: m[1]!, text: m[2]!.trim() });
        break;
      } else if (c === '/' && l[i + 1] === '*') {
        inBlock = true;
        out += '  ';
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
    lines.push(out);
  }
  if (inBlock) throw new CError('unterminated /* comment', rawLines.length, 1);

  const outLines: OutLine[] = [];
  // Conditional stack: active = this group is being emitted; done = a branch was already taken.
  const conds: { active: boolean; done: boolean; parentActive: boolean; line: number; sawElse: boolean }[] = [];
  const active = () => conds.length === 0 || conds[conds.length - 1]!.active;

  for (let n = 0; n < lines.length; n++) {
    // Join backslash continuations; the joined lines become blank.
    let text = lines[n]!;
    const first = n;
    while (text.endsWith('\\') && n + 1 < lines.length) {
      text = text.slice(0, -1) + lines[++n]!;
    }
    const lineNo = first + 1;
    const trimmed = text.trimStart();
    if (trimmed.startsWith('#')) {
      const indent = text.length - trimmed.length;
      directive(trimmed.slice(1), lineNo, indent);
      for (let k = first; k <= n; k++) outLines.push({ text: '', segs: [{ out: 0, orig: 0, fixed: false }] });
      continue;
    }
    if (!active()) {
      for (let k = first; k <= n; k++) outLines.push({ text: '', segs: [{ out: 0, orig: 0, fixed: false }] });
      continue;
    }
    outLines.push(expandLine(tokenize(text, lineNo), lineNo));
    for (let k = first + 1; k <= n; k++) outLines.push({ text: '', segs: [{ out: 0, orig: 0, fixed: false }] });
  }
  if (conds.length > 0) throw new CError('#if without #endif', conds[conds.length - 1]!.line, 1);

  function directive(body: string, line: number, indent: number): void {
    const toks = tokenize(body, line).filter((t) => t.k !== 'ws');
    const col = (t: Tok | undefined) => (t ? t.col + indent + 2 : indent + 1);
    const name = toks[0]?.v ?? '';
    const rest = toks.slice(1);
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        const parentActive = active();
        let v = false;
        if (parentActive) {
          if (name === 'if') v = evalIf(rest, line, indent);
          else {
            if (rest[0]?.k !== 'id') throw new CError(`#${name} needs a macro name`, line, col(rest[0]));
            v = macros.has(rest[0].v) === (name === 'ifdef');
          }
        }
        conds.push({ active: parentActive && v, done: v, parentActive, line, sawElse: false });
        return;
      }
      case 'elif': {
        const c = conds[conds.length - 1];
        if (!c) throw new CError('#elif without #if', line, indent + 1);
        if (c.sawElse) throw new CError('#elif after #else', line, indent + 1);
        if (c.done || !c.parentActive) c.active = false;
        else {
          const v = evalIf(rest, line, indent);
          c.active = v;
          c.done = v;
        }
        return;
      }
      case 'else': {
        const c = conds[conds.length - 1];
        if (!c) throw new CError('#else without #if', line, indent + 1);
        if (c.sawElse) throw new CError('#else after #else', line, indent + 1);
        c.sawElse = true;
        c.active = c.parentActive && !c.done;
        c.done = true;
        return;
      }
      case 'endif':
        if (!conds.pop()) throw new CError('#endif without #if', line, indent + 1);
        return;
    }
    if (!active()) return;
    switch (name) {
      case '':
        return;
      case 'include': {
        const t = toks[1];
        let header: string | null = null;
        if (t?.k === 'str') header = t.v.slice(1, -1);
        else if (t?.v === '<') {
          const close = toks.findIndex((x) => x.v === '>');
          if (close > 1) header = body.slice(toks[2]!.col, toks[close]!.col).trim();
        }
        if (header === null) throw new CError('#include needs "file" or <file>', line, col(t));
        if (!KNOWN_HEADERS.has(header) && !PROJECT_HEADERS.has(header)) {
          throw new CError(
            `#include <${header}>: the simulator knows only the headers ${[...KNOWN_HEADERS].join(', ')}, "forklore.h" and <support/test-driver.c>`,
            line,
            col(t),
          );
        }
        includes.add(header);
        return;
      }
      case 'define': {
        const nt = toks[1];
        if (nt?.k !== 'id') throw new CError('#define needs a macro name', line, col(nt));
        const all = tokenize(body, line);
        const ni = all.findIndex((x) => x.col === nt.col);
        let i = ni + 1;
        let params: string[] | null = null;
        let variadic = false;
        if (all[i]?.v === '(') {
          params = [];
          i++;
          for (;;) {
            while (all[i]?.k === 'ws') i++;
            const p = all[i];
            if (!p) throw new CError(`#define ${nt.v}: unterminated parameter list`, line, col(nt));
            if (p.v === ')') {
              i++;
              break;
            }
            if (p.v === '...') variadic = true;
            else if (p.k === 'id') params.push(p.v);
            else if (p.v !== ',')
              throw new CError(`#define ${nt.v}: unexpected '${p.v}' in the parameter list`, line, p.col + indent + 2);
            i++;
          }
        }
        const bodyToks = all.slice(i);
        while (bodyToks[0]?.k === 'ws') bodyToks.shift();
        while (bodyToks[bodyToks.length - 1]?.k === 'ws') bodyToks.pop();
        macros.set(nt.v, { name: nt.v, params, variadic, body: bodyToks.map((b) => ({ ...b, col: -1 })) });
        return;
      }
      case 'undef':
        if (toks[1]?.k !== 'id') throw new CError('#undef needs a macro name', line, col(toks[1]));
        macros.delete(toks[1].v);
        return;
      case 'error':
        throw new CError(`#error${body.slice(name.length)}`, line, indent + 1);
      case 'warning':
      case 'pragma':
      case 'line':
        return;
      default:
        throw new CError(`unknown preprocessor directive #${name}`, line, indent + 1);
    }
  }

  function evalIf(toks: Tok[], line: number, indent: number): boolean {
    // defined(X) and defined X first, then expand, then unknown identifiers are 0.
    const pre: Tok[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.k === 'id' && t.v === 'defined') {
        let nameTok = toks[i + 1];
        if (nameTok?.v === '(') {
          nameTok = toks[i + 2];
          if (toks[i + 3]?.v !== ')') throw new CError('defined( needs a closing )', line, t.col + indent + 2);
          i += 3;
        } else i += 1;
        if (nameTok?.k !== 'id') throw new CError('defined needs a macro name', line, t.col + indent + 2);
        pre.push({ k: 'num', v: macros.has(nameTok.v) ? '1' : '0', col: t.col });
      } else pre.push(t);
    }
    const expanded = expandTokens(pre, new Set(), line).filter((t) => t.k !== 'ws');
    let i = 0;
    const fail = (msg: string): never => {
      throw new CError(`#if: ${msg}`, line, indent + 1);
    };
    const num = (t: Tok): number => {
      if (t.k === 'id') return 0;
      if (t.k === 'chr') return t.v.charCodeAt(1);
      const v = Number.parseInt(
        t.v.replace(/[uUlL]+$/, ''),
        t.v.startsWith('0x') || t.v.startsWith('0X') ? 16 : t.v.length > 1 && t.v.startsWith('0') ? 8 : 10,
      );
      if (Number.isNaN(v)) fail(`'${t.v}' is not a number`);
      return v;
    };
    const PREC: Record<string, number> = {
      '||': 1,
      '&&': 2,
      '|': 3,
      '^': 4,
      '&': 5,
      '==': 6,
      '!=': 6,
      '<': 7,
      '>': 7,
      '<=': 7,
      '>=': 7,
      '<<': 8,
      '>>': 8,
      '+': 9,
      '-': 9,
      '*': 10,
      '/': 10,
      '%': 10,
    };
    const unary = (): number => {
      const t = expanded[i++];
      if (!t) return fail('expression ends early');
      if (t.v === '(') {
        const v = cond();
        if (expanded[i++]?.v !== ')') fail("missing ')'");
        return v;
      }
      if (t.v === '!') return unary() ? 0 : 1;
      if (t.v === '-') return -unary();
      if (t.v === '+') return unary();
      if (t.v === '~') return ~unary();
      if (t.k === 'num' || t.k === 'id' || t.k === 'chr') return num(t);
      return fail(`unexpected '${t.v}'`);
    };
    const binary = (min: number): number => {
      let l = unary();
      for (;;) {
        const op = expanded[i]?.v ?? '';
        const p = PREC[op];
        if (p === undefined || p < min) return l;
        i++;
        const r = binary(p + 1);
        switch (op) {
          case '||':
            l = l || r ? 1 : 0;
            break;
          case '&&':
            l = l && r ? 1 : 0;
            break;
          case '|':
            l |= r;
            break;
          case '^':
            l ^= r;
            break;
          case '&':
            l &= r;
            break;
          case '==':
            l = l === r ? 1 : 0;
            break;
          case '!=':
            l = l !== r ? 1 : 0;
            break;
          case '<':
            l = l < r ? 1 : 0;
            break;
          case '>':
            l = l > r ? 1 : 0;
            break;
          case '<=':
            l = l <= r ? 1 : 0;
            break;
          case '>=':
            l = l >= r ? 1 : 0;
            break;
          case '<<':
            l <<= r;
            break;
          case '>>':
            l >>= r;
            break;
          case '+':
            l += r;
            break;
          case '-':
            l -= r;
            break;
          case '*':
            l *= r;
            break;
          case '/':
            l = r === 0 ? fail('division by zero') : Math.trunc(l / r);
            break;
          case '%':
            l = r === 0 ? fail('division by zero') : l % r;
            break;
        }
      }
    };
    const cond = (): number => {
      const c = binary(1);
      if (expanded[i]?.v === '?') {
        i++;
        const a = cond();
        if (expanded[i++]?.v !== ':') fail("missing ':'");
        const b = cond();
        return c ? a : b;
      }
      return c;
    };
    if (expanded.length === 0) fail('no expression');
    const v = cond();
    if (i < expanded.length) fail(`unexpected '${expanded[i]!.v}'`);
    return v !== 0;
  }

  /** Expands macros in a token list (tokens from the source keep their columns). */
  function expandTokens(toks: Tok[], hide: Set<string>, line: number): Tok[] {
    const out: Tok[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.k === 'id' && (t.v === '__LINE__' || t.v === '__FILE__')) {
        out.push({
          k: t.v === '__LINE__' ? 'num' : 'str',
          v: t.v === '__LINE__' ? String(line) : JSON.stringify(file),
          col: t.col,
        });
        continue;
      }
      const m = t.k === 'id' && !hide.has(t.v) ? macros.get(t.v) : undefined;
      if (!m) {
        out.push(t);
        continue;
      }
      if (m.params === null) {
        const h = new Set(hide).add(m.name);
        out.push(
          ...expandTokens(
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
      if (j >= toks.length)
        throw new CError(
          `the arguments of macro ${m.name} must be on one line (no closing ')' on this line)`,
          line,
          t.col + 1,
        );
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
          sub.push(...(nextNonWs?.v === '##' ? raw : expandTokens(raw, hide, line)));
          continue;
        }
        sub.push(bt);
      }
      const h = new Set(hide).add(m.name);
      out.push(
        ...expandTokens(
          sub.map((x) => ({ ...x, col: -1 })),
          h,
          line,
        ).map((x) => ({ ...x, col: -1 })),
      );
      i = j;
    }
    return out;
  }

  function expandLine(toks: Tok[], line: number): OutLine {
    // Expand each macro use, remembering for each output position where it came from.
    const segs: OutLine['segs'] = [];
    let text = '';
    // Walk the original tokens; a macro use becomes its expansion with a fixed mapping to its column.
    let i = 0;
    while (i < toks.length) {
      const t = toks[i]!;
      const m = t.k === 'id' ? macros.get(t.v) : undefined;
      if (!m && !(t.k === 'id' && (t.v === '__LINE__' || t.v === '__FILE__'))) {
        segs.push({ out: text.length, orig: t.col, fixed: false });
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
      const exp = expandTokens(toks.slice(i, end), new Set(), line).filter((x) => x.k !== 'ws');
      segs.push({ out: text.length, orig: t.col, fixed: true });
      text += exp.map((x) => x.v).join(' ');
      i = end;
    }
    return { text, segs };
  }

  const text = outLines.map((l) => l.text).join('\n');
  return {
    text,
    includes,
    directives,
    map(row: number, column: number) {
      const l = outLines[row];
      if (!l) return { line: row + 1, column: column + 1 };
      let seg = l.segs[0]!;
      for (const s of l.segs) if (s.out <= column) seg = s;
      return { line: row + 1, column: (seg.fixed ? seg.orig : seg.orig + (column - seg.out)) + 1 };
    },
  };
}

function trimWs(a: Tok[]): Tok[] {
  let s = 0;
  let e = a.length;
  while (s < e && a[s]!.k === 'ws') s++;
  while (e > s && a[e - 1]!.k === 'ws') e--;
  return a.slice(s, e);
}
