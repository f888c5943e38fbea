// The code editor (CodeMirror 6), loaded only when the reader presses Edit. The setup is CodeMirror's
// basicSetup less completion; the language comes after: a small C tokenizer (editor-c.ts) for a C
// program, or TypeScript with completion (editor-ts.ts), each loaded only when its language is edited.
import {
  EditorView,
  keymap,
  Decoration,
  lineNumbers,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
  dropCursor,
  rectangularSelection,
  crosshairCursor,
  highlightActiveLine,
  type DecorationSet,
  type KeyBinding,
} from '@codemirror/view';
import { EditorState, Prec, Compartment, StateEffect, StateField, type Extension } from '@codemirror/state';
import {
  foldGutter,
  indentOnInput,
  syntaxHighlighting,
  defaultHighlightStyle,
  bracketMatching,
  foldKeymap,
} from '@codemirror/language';
import { history, defaultKeymap, historyKeymap } from '@codemirror/commands';
import { setDiagnostics, lintGutter, lintKeymap, type Diagnostic } from '@codemirror/lint';
import type { CompileError } from './compile.ts';
import { editorThemes, siteTheme, onSiteTheme } from './editor-theme.ts';
import { lineAttributes, type ThreadMark } from './code-marks.ts';

/** The lines the threads are at (code-marks.ts), as line decorations; an edit clears them. */
const setMarks = StateEffect.define<DecorationSet>();
const marksField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) if (e.is(setMarks)) return e.value;
    return tr.docChanged ? Decoration.none : deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/**
 * CodeMirror's basicSetup without autocompletion and bracket closing (each language brings its own),
 * and with search loaded on the first press of one of its keys (lazySearch).
 */
const setup: Extension = [
  lineNumbers(),
  highlightActiveLineGutter(),
  highlightSpecialChars(),
  history(),
  foldGutter(),
  drawSelection(),
  dropCursor(),
  EditorState.allowMultipleSelections.of(true),
  indentOnInput(),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  bracketMatching(),
  rectangularSelection(),
  crosshairCursor(),
  highlightActiveLine(),
  keymap.of([...defaultKeymap, ...historyKeymap, ...foldKeymap, ...lintKeymap]),
];

/** The keys of @codemirror/search's keymap: the first press loads it (search panel, go to line). */
const SEARCH_KEYS = ['Mod-f', 'F3', 'Mod-g', 'Mod-Shift-l', 'Mod-Alt-g', 'Mod-d'];

/** Search, loaded on the first press of one of its keys, then bound as basicSetup binds it. */
function lazySearch(): Extension {
  const slot = new Compartment();
  let state: 'none' | 'loading' | 'loaded' = 'none';
  const press = (key: string, shift: boolean) => (view: EditorView) => {
    if (state === 'loaded') return false;
    if (state === 'none') {
      state = 'loading';
      void import('@codemirror/search').then((m) => {
        state = 'loaded';
        view.dispatch({ effects: slot.reconfigure([keymap.of(m.searchKeymap), m.highlightSelectionMatches()]) });
        const b = m.searchKeymap.find((k: KeyBinding) => k.key === key);
        (shift ? b?.shift : b?.run)?.(view);
      });
    }
    return true;
  };
  return [
    slot.of([]),
    keymap.of(
      SEARCH_KEYS.map((key) => ({ key, run: press(key, false), shift: press(key, true), preventDefault: true })),
    ),
  ];
}

/**
 * Each language's extension, loaded when its program is first edited. (Two calls in one conditional
 * expression would have the bundler merge them into one import that preloads both files.)
 */
const LANGUAGES: Record<'ts' | 'c', () => Promise<Extension>> = {
  c: () => import('./editor-c.ts').then((m) => m.c),
  ts: () => import('./editor-ts.ts').then((m) => m.typescript()),
};

export interface Editor {
  text(): string;
  setText(s: string): void;
  markErrors(errors: CompileError[]): void;
  /** Shows where each thread is, scrolling the editor to `focusLine`. */
  markThreads(marks: readonly ThreadMark[], focusLine?: number): void;
  focus(): void;
  destroy(): void;
}

export function createEditor(
  parent: HTMLElement,
  doc: string,
  label: string,
  lang: 'ts' | 'c',
  onChange: (text: string) => void,
): Editor {
  const theme = new Compartment();
  const language = new Compartment();
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      setup,
      lazySearch(),
      // The site's theme, and the reader's switch of it while the editor is open.
      theme.of(editorThemes[siteTheme()]),
      language.of([]),
      lintGutter(),
      marksField,
      // Ctrl/Cmd+Enter runs the program (the Playground listens for it); keep CodeMirror from inserting a line.
      Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => true }])),
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onChange(u.state.doc.toString());
      }),
    ],
  });
  let destroyed = false;
  const useLanguage = (ext: Extension) => {
    if (!destroyed) view.dispatch({ effects: language.reconfigure(ext) });
  };
  void LANGUAGES[lang]().then(useLanguage);
  parent.dataset.lang = lang;
  // data-theme on the host says which look is on, for tests and styles.
  parent.dataset.theme = siteTheme();
  const unwatch = onSiteTheme((t) => {
    parent.dataset.theme = t;
    view.dispatch({ effects: theme.reconfigure(editorThemes[t]) });
  });
  return {
    text: () => view.state.doc.toString(),
    setText(s) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: s } });
    },
    markErrors(errors) {
      const d: Diagnostic[] = errors.map((e) => {
        const line = view.state.doc.line(Math.min(Math.max(1, e.line), view.state.doc.lines));
        const from = Math.min(line.from + e.column, line.to);
        return { from, to: Math.max(from, line.to), severity: 'error', message: e.message };
      });
      view.dispatch(setDiagnostics(view.state, d));
    },
    markThreads(marks, focusLine) {
      const doc = view.state.doc;
      const ranges = [...lineAttributes(marks)]
        .filter(([line]) => line >= 1 && line <= doc.lines)
        .sort((a, b) => a[0] - b[0])
        .map(([line, attributes]) => Decoration.line({ attributes }).range(doc.line(line).from));
      view.dispatch({ effects: setMarks.of(Decoration.set(ranges)) });
      // Scroll the editor's own box (never the page) to the line of the thread that just moved. The
      // box that scrolls is CodeMirror's scroller, not its outer element (whose scrollTop stays 0): and
      // CodeMirror draws only the lines in view, so a mark scrolled to nowhere is drawn nowhere.
      if (focusLine && focusLine <= doc.lines) {
        const box = view.scrollDOM;
        const top = view.lineBlockAt(doc.line(focusLine).from).top;
        if (top < box.scrollTop + 10 || top > box.scrollTop + box.clientHeight - 30)
          box.scrollTop = Math.max(0, top - box.clientHeight / 3);
      }
    },
    focus: () => view.focus(),
    destroy: () => {
      destroyed = true;
      unwatch();
      view.destroy();
    },
  };
}
