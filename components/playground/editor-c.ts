// C highlighting for the editor: CodeMirror's legacy C mode (@codemirror/legacy-modes' clike `c`,
// the tokenizer CodeMirror 5 shipped for C) through StreamLanguage, in place of @codemirror/lang-cpp,
// whose C++ grammar weighs more than the rest of the C editor. The parser proper is tree-sitter, in the
// worker; the editor only colours and indents (the mode's own indentation, by braces and statements).
import { StreamLanguage } from '@codemirror/language';
import { c as cMode } from '@codemirror/legacy-modes/mode/clike';
import { EditorView, keymap } from '@codemirror/view';
import { Prec, type Extension } from '@codemirror/state';

export const cLanguage = StreamLanguage.define(cMode);

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
