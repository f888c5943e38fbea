// The editor's two looks, after the read-only listing's Shiki themes (github-light-default and
// github-dark-default), so pressing Edit keeps the colours the reader was reading; each text colour
// meets WCAG AA (4.5:1) on its background and on the active line.
import { EditorView } from '@codemirror/view';
import type { Extension } from '@codemirror/state';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

export type SiteTheme = 'light' | 'dark';

interface Palette {
  bg: string;
  fg: string;
  gutterFg: string;
  activeLine: string;
  selection: string;
  cursor: string;
  border: string;
  keyword: string;
  string: string;
  comment: string;
  fn: string;
  constant: string;
  type: string;
  invalid: string;
}

const DARK: Palette = {
  bg: '#0d1117',
  fg: '#e6edf3',
  gutterFg: '#9198a1',
  activeLine: '#161b22',
  selection: '#264f78',
  cursor: '#e6edf3',
  border: '#3d444d',
  keyword: '#ff7b72',
  string: '#a5d6ff',
  comment: '#9198a1',
  fn: '#d2a8ff',
  constant: '#79c0ff',
  type: '#ffa657',
  invalid: '#ffa198',
};

const LIGHT: Palette = {
  bg: '#ffffff',
  fg: '#1f2328',
  gutterFg: '#59636e',
  activeLine: '#f6f8fa',
  selection: '#b6e3ff',
  cursor: '#1f2328',
  border: '#d1d9e0',
  keyword: '#cf222e',
  string: '#0a3069',
  comment: '#59636e',
  fn: '#6639ba',
  constant: '#0550ae',
  type: '#953800',
  invalid: '#82071e',
};

export const PALETTES: Record<SiteTheme, Palette> = { dark: DARK, light: LIGHT };

function build(p: Palette, dark: boolean): Extension {
  const view = EditorView.theme(
    {
      '&': { color: p.fg, backgroundColor: p.bg },
      '.cm-content': { caretColor: p.cursor },
      '.cm-cursor, .cm-dropCursor': { borderLeftColor: p.cursor },
      '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
        {
          backgroundColor: p.selection,
        },
      '.cm-activeLine': { backgroundColor: p.activeLine },
      '.cm-gutters': { backgroundColor: p.bg, color: p.gutterFg, borderRight: `1px solid ${p.border}` },
      '.cm-activeLineGutter': { backgroundColor: p.activeLine, color: p.fg },
      // The default bracket highlight is a translucent teal behind the text; an outline keeps contrast.
      '&.cm-focused .cm-matchingBracket': { backgroundColor: 'transparent', outline: `1px solid ${p.gutterFg}` },
      '&.cm-focused .cm-nonmatchingBracket': { backgroundColor: 'transparent', outline: `1px solid ${p.invalid}` },
      '.cm-foldPlaceholder': { backgroundColor: p.activeLine, color: p.fg, border: `1px solid ${p.border}` },
      '.cm-tooltip': { backgroundColor: p.bg, color: p.fg, border: `1px solid ${p.border}` },
      '.cm-searchMatch': { backgroundColor: 'transparent', outline: `1px solid ${p.type}` },
      '.cm-selectionMatch': { backgroundColor: 'transparent', outline: `1px dotted ${p.gutterFg}` },
      '.cm-panels': { backgroundColor: p.activeLine, color: p.fg },
    },
    { dark },
  );
  const style = HighlightStyle.define([
    {
      tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword, t.definitionKeyword, t.modifier, t.meta],
      color: p.keyword,
    },
    { tag: [t.string, t.special(t.string), t.regexp], color: p.string },
    { tag: [t.comment, t.lineComment, t.blockComment], color: p.comment, fontStyle: 'italic' },
    {
      tag: [t.function(t.variableName), t.function(t.propertyName), t.function(t.definition(t.variableName))],
      color: p.fn,
    },
    { tag: [t.number, t.bool, t.null, t.atom, t.constant(t.variableName), t.propertyName], color: p.constant },
    { tag: [t.typeName, t.className, t.namespace, t.definition(t.typeName)], color: p.type },
    { tag: [t.operator, t.punctuation, t.bracket, t.variableName, t.definition(t.variableName)], color: p.fg },
    { tag: t.invalid, color: p.invalid },
  ]);
  return [view, syntaxHighlighting(style)];
}

export const editorThemes: Record<SiteTheme, Extension> = { dark: build(DARK, true), light: build(LIGHT, false) };

/** The site's theme now: Starlight keeps it in <html data-theme>. */
export function siteTheme(doc: Document = document): SiteTheme {
  return doc.documentElement.dataset.theme === 'light' ? 'light' : 'dark';
}

/** Calls `onChange` whenever the reader switches the site's theme; returns the unsubscribe. */
export function onSiteTheme(onChange: (theme: SiteTheme) => void, doc: Document = document): () => void {
  const mo = new MutationObserver(() => onChange(siteTheme(doc)));
  mo.observe(doc.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => mo.disconnect();
}
