// The editor's TypeScript support, loaded only when a TypeScript program is edited: the language
// (@codemirror/lang-javascript), completion of the names it knows, which C has no use for, and bracket
// closing from the same package (C has its own, editor-c.ts).
import { javascript } from '@codemirror/lang-javascript';
import { autocompletion, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { keymap } from '@codemirror/view';
import { Prec, type Extension } from '@codemirror/state';

export const typescript = (): Extension => [
  javascript({ typescript: true }),
  autocompletion(),
  closeBrackets(),
  // Before the default keymap's Backspace, as in basicSetup, so Backspace deletes an empty pair.
  Prec.high(keymap.of(closeBracketsKeymap)),
];
