// C highlighting for the editor: a small stream tokenizer (CodeMirror's StreamLanguage) for the C the
// Playground runs, in place of @codemirror/lang-cpp, whose C++ grammar weighs more than the rest of the
// C editor (the parser proper is tree-sitter, in the worker; the editor only colours and indents).
import { StreamLanguage, type StringStream } from '@codemirror/language';
import { EditorView, keymap } from '@codemirror/view';
import { Prec, type Extension } from '@codemirror/state';

const KEYWORDS = new Set(
  'auto break case const continue default do else enum extern for goto if inline register restrict return sizeof static struct switch typedef union volatile while _Alignas _Alignof _Atomic _Noreturn _Static_assert _Thread_local'.split(
    ' ',
  ),
);
const CONTROL = new Set('break case continue default do else for goto if return switch while'.split(' '));
const TYPES = new Set(
  'void char short int long float double signed unsigned _Bool bool size_t ssize_t pid_t pthread_t FILE'.split(' '),
);
const ATOMS = new Set('NULL true false EOF'.split(' '));

interface State {
  /** Inside a block comment that runs past the end of a line. */
  comment: boolean;
  /** On a preprocessor line (continued with a backslash). */
  directive: boolean;
  /** Braces and parentheses open so far, for indenting the next line. */
  depth: number;
}

function token(stream: StringStream, state: State): string | null {
  if (state.comment) {
    if (stream.skipTo('*/')) {
      stream.pos += 2;
      state.comment = false;
    } else stream.skipToEnd();
    return 'blockComment';
  }
  // A preprocessor line, with its backslash continuations, is one token.
  if (stream.sol() && (state.directive || /^\s*#/.test(stream.string))) {
    stream.skipToEnd();
    state.directive = /\\\s*$/.test(stream.string);
    return 'meta';
  }
  if (stream.eatSpace()) return null;
  if (stream.match('//')) {
    stream.skipToEnd();
    return 'lineComment';
  }
  if (stream.match('/*')) {
    state.comment = true;
    return token(stream, state);
  }
  const ch = stream.next()!;
  if (ch === '"' || ch === "'") {
    let escaped = false;
    for (let c = stream.next(); c !== undefined; c = stream.next()) {
      if (c === ch && !escaped) break;
      escaped = !escaped && c === '\\';
    }
    return 'string';
  }
  if (/\d/.test(ch) || (ch === '.' && stream.match(/^\d/, false))) {
    stream.match(/^(?:x[\da-f]+|[\d.]*(?:e[+-]?\d+)?)[ul]*/i);
    return 'number';
  }
  if (/[A-Za-z_]/.test(ch)) {
    stream.eatWhile(/\w/);
    const word = stream.current();
    if (CONTROL.has(word)) return 'controlKeyword';
    if (KEYWORDS.has(word)) return 'keyword';
    if (TYPES.has(word) || /_t$/.test(word)) return 'typeName';
    if (ATOMS.has(word) || /^[A-Z][A-Z\d_]+$/.test(word)) return 'atom';
    if (stream.match(/^\s*\(/, false)) return 'variableName.function';
    return 'variableName';
  }
  if (/[{}()[\]]/.test(ch)) {
    state.depth = Math.max(0, state.depth + (/[{([]/.test(ch) ? 1 : -1));
    return 'bracket';
  }
  if (/[;,.]/.test(ch)) return 'punctuation';
  stream.eatWhile(/[-+*/%=<>!&|^~?:]/);
  return 'operator';
}

export const cLanguage = StreamLanguage.define<State>({
  name: 'c',
  startState: () => ({ comment: false, directive: false, depth: 0 }),
  copyState: (s) => ({ ...s }),
  token,
  indent: (state, textAfter, cx) =>
    state.comment ? null : Math.max(0, state.depth - (/^[})\]]/.test(textAfter) ? 1 : 0)) * cx.unit,
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } }, indentOnInput: /^\s*[{}]$/ },
});

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '"': '"', "'": "'" };
const CLOSERS = new Set(Object.values(PAIRS));

/**
 * Bracket closing for C as CodeMirror's closeBrackets does it for one cursor (typing an opening bracket
 * or quote before a space, a closer or the line's end inserts its pair; typing the closer that follows
 * steps over it; Backspace between an empty pair deletes both), without @codemirror/autocomplete,
 * which also holds completion: the TypeScript editor's, of no use to C.
 */
export const closePairs: Extension = [
  EditorView.inputHandler.of((view, from, to, text) => {
    const sel = view.state.selection;
    if (text.length !== 1 || sel.ranges.length !== 1 || !sel.main.empty || view.composing) return false;
    const next = view.state.sliceDoc(to, to + 1);
    if (CLOSERS.has(text) && next === text) {
      view.dispatch({ selection: { anchor: to + 1 }, scrollIntoView: true, userEvent: 'input.type' });
      return true;
    }
    const close = PAIRS[text];
    if (close === undefined || (next !== '' && !/[\s)\]};,]/.test(next))) return false;
    // A quote after a word character is an apostrophe or a closing quote, not an opening one.
    if (close === text && /\w/.test(view.state.sliceDoc(from - 1, from))) return false;
    view.dispatch({
      changes: { from, to, insert: text + close },
      selection: { anchor: from + 1 },
      scrollIntoView: true,
      userEvent: 'input.type',
    });
    return true;
  }),
  Prec.high(
    keymap.of([
      {
        key: 'Backspace',
        run(view) {
          const sel = view.state.selection;
          if (sel.ranges.length !== 1 || !sel.main.empty) return false;
          const at = sel.main.head;
          const before = view.state.sliceDoc(at - 1, at);
          if (!PAIRS[before] || view.state.sliceDoc(at, at + 1) !== PAIRS[before]) return false;
          view.dispatch({ changes: { from: at - 1, to: at + 1 }, userEvent: 'delete.backward' });
          return true;
        },
      },
    ]),
  ),
];

/** The C editor's language: highlighting, indentation and bracket closing. */
export const c: Extension = [cLanguage, closePairs];
