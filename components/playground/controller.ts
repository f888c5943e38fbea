// The Playground's controller, loaded on the reader's first interaction: compiles (build-time output
// for unedited code, esbuild-wasm for edits), runs in the sandbox, shows results, edits, saves, shares.
import { request, warm as warmHost, Stopped, type Reply } from './host.ts';
import type { RunRequest, SchedState, LogLine, CProgram } from './protocol.ts';
import { sandboxHint } from './protocol.ts';
import type { Report } from '../../sim/types.ts';
import { verdictHtml, verdictKind, verdictPhrase, traceView, whyNot } from './views.ts';
import {
  loadEdit,
  saveEdit,
  clearEdit,
  markSolved,
  loadKept,
  clearKept,
  saveKept,
  saveSoon,
  watchOtherTabs,
  type Seen,
  type SaveOutcome,
} from './storage.ts';
import { encodeShare, readShare } from './share.ts';
import { esc, describeEvent } from '../timeline-svg.ts';
import type { Editor } from './editor.ts';
import type { CompileError } from './compile.ts';
import { lineMap, sourceLine } from './source-map.ts';
import { markListing, threadColours, type ThreadMark } from './code-marks.ts';
import type { TraceEvent } from '../../sim/events.ts';
import { alignRuns, type Alignment, type AlignedRow } from './align.ts';
import { isGoalKind, goalReached, goalDone, type GoalKind } from './goal.ts';
import { LANG_KEY, showLanguage } from './boot.ts';
import { reproduceButton, type Reproduction } from './reproduce-button.ts';

type Lang = 'ts' | 'c';
/** What a pane holds for one language; the pane's own fields are those of the language shown. */
type Variant = Pick<
  Pane,
  'key' | 'original' | 'hash' | 'compiledOriginal' | 'code' | 'compiled' | 'seen' | 'lines' | 'lineMaps' | 'tree'
> & { restored: boolean };

interface Pane {
  index: number;
  name: string;
  /** Where the reader's edit of this program is kept: the example's name, or 'blank'. */
  key: string;
  original: string;
  hash: string;
  compiledOriginal: string;
  code: string;
  editor: Editor | null;
  section: HTMLElement;
  compiled: Map<string, string>;
  /** The version of this example this tab last read from or wrote to storage. */
  seen: Seen;
  /** Compiled line to source line, for the unedited program (built with the site) and each edit. */
  lines: number[];
  lineMaps: Map<string, number[]>;
  /** The language shown; a C program's code is its source, compiled in the worker. */
  lang: Lang;
  /** A C example's syntax tree, packed at build time (c-tree.ts), for a first Run with no parser. */
  tree?: string | undefined;
  /** Each language's program (C only where the example has a C twin). */
  variants: Partial<Record<Lang, Variant>>;
}

interface Island {
  el: HTMLElement;
  id: string;
  panes: Pane[];
  exercise: boolean;
  sched: { path: string[]; pane: number } | null;
  /** Be the scheduler's task from the chapter (goal.ts), and for which panes the reader has met it. */
  goal?: { kind: GoalKind; text: string; reached: Set<number> } | undefined;
  /** Where the keyboard goes once the scheduler's choices are drawn again: the reader's place is kept. */
  schedFocus?: 'pick' | 'undo' | undefined;
  cancel: (() => void) | null;
  sharedSchedule?: string | undefined;
  lastSchedule?: string | undefined;
  blocked: string[];
  compiling?: boolean;
  lang: Lang;
  /** Counts the island's runs: a run that waited for a paint stops if a newer one began meanwhile. */
  runs: number;
  /** The run whose verdict is on screen (-1: none): a late refusal notice is added to that one only. */
  verdictOf: number;
}

const islands = new WeakMap<HTMLElement, Island>();
/**
 * What an island's request waits for when another Playground on the page is checking: the sandbox
 * serves one request at a time, and a run elsewhere waits its turn instead of stopping this one.
 */
const WAITING = 'Waiting for another Playground on this page to finish its check';

function json<T>(el: Element | null): T {
  return JSON.parse(el?.textContent ?? 'null') as T;
}

function island(el: HTMLElement): Island {
  let isl = islands.get(el);
  if (isl) return isl;
  const lang: Lang = el.dataset.lang === 'c' && el.dataset.hasC !== undefined ? 'c' : 'ts';
  const panes = [...el.querySelectorAll<HTMLElement>('section[data-pane]')].map((section, index): Pane => {
    const original = json<string>(section.querySelector('[data-source]'));
    const c = json<{ source: string; hash: string; tree: string } | null>(section.querySelector('[data-c]'));
    const pane: Pane = {
      index,
      name: section.dataset.name ?? '',
      key: section.dataset.name || 'blank',
      original,
      hash: section.dataset.hash ?? '',
      compiledOriginal: json<string>(section.querySelector('[data-compiled]')),
      code: original,
      editor: null,
      section,
      compiled: new Map(),
      seen: { code: null },
      lines: json<number[] | null>(section.querySelector('[data-lines]')) ?? [],
      lineMaps: new Map(),
      lang: 'ts',
      variants: {},
    };
    pane.variants.ts = { ...variantOf(pane), restored: false };
    if (c) {
      pane.variants.c = {
        key: `${pane.key}.c`,
        original: c.source,
        hash: c.hash,
        compiledOriginal: c.source,
        code: c.source,
        compiled: new Map(),
        seen: { code: null },
        lines: [],
        lineMaps: new Map(),
        tree: c.tree,
        restored: false,
      };
      if (lang === 'c') useVariant(pane, 'c');
    }
    return pane;
  });
  const goal = el.dataset.goal;
  isl = {
    el,
    id: el.dataset.id ?? '',
    panes,
    exercise: el.dataset.exercise !== undefined,
    sched: null,
    goal: isGoalKind(goal) ? { kind: goal, text: el.dataset.goalText ?? '', reached: new Set() } : undefined,
    cancel: null,
    blocked: [],
    lang,
    runs: 0,
    verdictOf: -1,
  };
  islands.set(el, isl);
  return isl;
}

function variantOf(p: Pane): Omit<Variant, 'restored'> {
  const { key, original, hash, compiledOriginal, code, compiled, seen, lines, lineMaps, tree } = p;
  return { key, original, hash, compiledOriginal, code, compiled, seen, lines, lineMaps, tree };
}

/** Puts `lang`'s program into the pane's fields, keeping the one shown until now in its variant. */
function useVariant(p: Pane, lang: Lang) {
  const next = p.variants[lang];
  const cur = p.variants[p.lang];
  if (!next) return;
  if (cur) Object.assign(cur, variantOf(p));
  const { restored: _restored, ...fields } = next;
  Object.assign(p, fields);
  p.lang = lang;
}

/** The read-only listing of the language shown (the C and TypeScript listings share one box). */
function listingOf(p: Pane): HTMLElement {
  return (
    p.section.querySelector<HTMLElement>(`[data-code] [data-only="${p.lang}"]`) ??
    p.section.querySelector<HTMLElement>('[data-code]')!
  );
}

/**
 * Shows the island's programs in `lang`: each open editor closes (its text is kept, and saved), the
 * results of the other language go, and the reader's saved edits in `lang` come back into the editor.
 */
async function setLanguage(isl: Island, lang: Lang, loadSaved = true): Promise<void> {
  if (isl.lang === lang || !isl.panes.every((p) => p.variants[lang])) return;
  isl.cancel?.();
  for (const p of isl.panes) {
    if (p.editor) closeEditor(p);
    hideStale(p);
    delete p.section.dataset.errorLines;
    useVariant(p, lang);
  }
  isl.lang = lang;
  isl.sched = null;
  isl.sharedSchedule = undefined;
  showLanguage(isl.el, lang);
  clearResults(isl);
  setVerdict(isl, '', '');
  for (const p of isl.panes) {
    if (loadSaved) await restoreSaved(isl, p);
    else p.variants[lang]!.restored = true;
    if (p.code !== p.original) await edit(isl, p, p.code, false, false);
  }
}

/** The reader's saved edit of the pane's program (once per language), with the notices that go with it. */
async function restoreSaved(isl: Island, p: Pane): Promise<void> {
  const v = p.variants[p.lang];
  if (v?.restored) return;
  if (v) v.restored = true;
  if (loadKept(p.key)) showKept(p);
  const saved = loadEdit(p.key);
  if (!saved) return;
  p.seen.code = saved.code;
  await edit(isl, p, saved.code, false, false);
  if (saved.base !== p.hash) {
    const box = p.section.querySelector<HTMLElement>('[data-stale]')!;
    box.hidden = false;
    box.innerHTML = `The site's version of ${esc(p.name || 'this program')} changed since you edited it. <button type="button" data-action="stale-keep" data-pane="${p.index}">Keep my edit</button> <button type="button" data-action="stale-site" data-pane="${p.index}">Use the site's version</button>`;
  }
}

const q = <T extends HTMLElement>(isl: Island, sel: string) => isl.el.querySelector<T>(sel)!;

// Another tab saved a version of an example this tab is editing: say so now (the next save here keeps it).
watchOtherTabs((example, code) => {
  for (const el of document.querySelectorAll<HTMLElement>('fl-playground')) {
    const isl = islands.get(el);
    for (const p of isl?.panes ?? []) {
      if (!isl || p.key !== example || !p.editor || code === p.code || code === p.seen.code) continue;
      note(
        isl,
        `Another tab ${code === null ? 'reset' : 'saved a different version of'} ${p.name || 'this program'}. Nothing is lost: when this tab saves, the other version is kept beside it.`,
      );
    }
  }
});

export function warm(): void {
  warmHost();
}

/** Handle a control of the Playground. */
export async function act(el: HTMLElement, action: string, btn?: HTMLElement): Promise<void> {
  const isl = island(el);
  const pane = btn?.dataset.pane !== undefined ? isl.panes[Number(btn.dataset.pane)] : undefined;
  switch (action) {
    case 'run':
      return run(isl);
    case 'edit':
      if (pane) await edit(isl, pane, pane.code, true);
      return;
    case 'reset':
      if (pane) reset(isl, pane);
      return;
    case 'share':
      return share(isl);
    case 'cancel':
      isl.cancel?.();
      return;
    case 'lang': {
      const lang: Lang = btn?.dataset.lang === 'ts' ? 'ts' : 'c';
      try {
        localStorage.setItem(LANG_KEY, lang);
      } catch {
        // storage refused: the choice holds on this page only
      }
      // Every Playground of the page follows; the ones not touched yet only swap their listings.
      for (const other of document.querySelectorAll<HTMLElement>('fl-playground')) {
        const o = islands.get(other);
        if (o) await setLanguage(o, lang);
        else showLanguage(other, lang);
      }
      return;
    }
    case 'mode':
      isl.sched = null;
      q(isl, '[data-results]').innerHTML = '';
      setVerdict(isl, '', '');
      return;
    case 'sched-pick':
      if (isl.sched && btn?.dataset.choice) {
        isl.sched.path.push(btn.dataset.choice);
        isl.schedFocus = 'pick';
        await schedStep(isl);
      }
      return;
    case 'sched-undo':
      if (isl.sched) {
        isl.sched.path.pop();
        isl.schedFocus = 'undo';
        await schedStep(isl);
      }
      return;
    case 'sched-pane':
      // In a pair: schedule the other program, from its first step.
      if (isl.sched && pane) {
        isl.sched = { path: [], pane: pane.index };
        isl.schedFocus = 'pick';
        await schedStep(isl);
      }
      return;
    case 'sched-restart':
      if (isl.sched) {
        isl.sched.path = [];
        isl.schedFocus = 'pick';
        await schedStep(isl);
      }
      return;
    case 'use-solution': {
      const solution = json<string>(
        isl.el.querySelector(pane?.lang === 'c' ? '[data-solution-c]' : '[data-solution-source]'),
      );
      if (pane && solution) await edit(isl, pane, solution, true);
      return;
    }
    case 'stale-keep':
      if (pane) {
        hideStale(pane);
        saved(isl, pane, saveEdit(pane.key, pane.code, pane.hash, undefined, pane.seen));
      }
      return;
    case 'kept-open':
      if (pane) await openKept(isl, pane);
      return;
    case 'kept-discard':
      if (pane) {
        clearKept(pane.key);
        hideStale(pane);
      }
      return;
    case 'stale-site':
      if (pane) {
        reset(isl, pane);
        hideStale(pane);
      }
      return;
    default:
      return;
  }
}

/** On load: a shared link's code (not run until the reader presses Run), else the reader's saved edits. */
export async function restore(el: HTMLElement, hash: string): Promise<void> {
  const isl = island(el);
  const read = readShare(hash);
  const shared = read && 'payload' in read ? read.payload : null;
  const all = [...document.querySelectorAll<HTMLElement>('fl-playground')];
  if (read && 'refused' in read && all[0] === el) note(isl, read.refused);
  const target = shared && (all.find((x) => x.dataset.id === shared.id) ?? all[0]);
  if (shared && target === el) {
    // The link's language first (its codes are in it); the reader's own saved edits stay in storage.
    const lang: Lang = shared.lang === 'c' ? 'c' : 'ts';
    if (isl.panes.every((p) => p.variants[lang])) {
      if (isl.lang !== lang) await setLanguage(isl, lang, false);
      showLanguage(isl.el, lang);
    }
    for (const p of isl.panes) {
      const code = shared.codes[p.index];
      if (code !== undefined && code !== p.original) await edit(isl, p, code, false, false);
    }
    isl.sharedSchedule = shared.schedule;
    note(
      isl,
      `This code came from a shared link${shared.schedule ? ' with a schedule' : ''}. It has not run: press Run to check it.${read && 'warning' in read && read.warning ? ` ${read.warning}` : ''}`,
    );
    // The reader's own saved edit of a program the link replaced stays in storage; a save of the
    // shared code keeps it (storage.ts), and the offer to open it stays on screen.
    for (const p of isl.panes) if (loadKept(p.key)) showKept(p);
    el.scrollIntoView({ block: 'start' });
    return;
  }
  for (const p of isl.panes) await restoreSaved(isl, p);
}

function hideStale(pane: Pane) {
  const box = pane.section.querySelector<HTMLElement>('[data-stale]')!;
  box.hidden = true;
  delete box.dataset.kept;
  delete box.dataset.saveFailed;
  box.innerHTML = '';
}

function note(isl: Island, text: string) {
  q(isl, '[data-note]').textContent = text;
}

function setVerdict(isl: Island, html: string, kind: string, verdicts: string[] = []) {
  const v = q(isl, '[data-verdict]');
  v.dataset.kind = kind;
  delete v.dataset.stale;
  delete q(isl, '[data-results]').dataset.stale;
  // The verdict of each program, machine-readable, for tests and tools.
  if (verdicts.length) v.dataset.verdicts = verdicts.join(' ');
  else delete v.dataset.verdicts;
  v.innerHTML = html;
  isl.verdictOf = isl.runs;
}

function running(isl: Island, text: string | null) {
  const r = q(isl, '[data-running]');
  r.hidden = text === null;
  if (text !== null) q(isl, '[data-running-text]').textContent = text;
  const runBtn = q<HTMLButtonElement>(isl, '[data-action="run"]');
  if (text === null) runBtn.removeAttribute('aria-busy');
  else runBtn.setAttribute('aria-busy', 'true');
}

/**
 * What an edit of each language starts fetching: the C parser's wasm, or the TypeScript compiler. (In
 * one conditional expression the bundler would merge the two imports into one that preloads both.)
 */
const PREFETCH: Record<Lang, (isl: Island) => void> = {
  c: () => void import('./c-wasm.ts').then((c) => c.loadCWasm().catch(() => undefined)),
  ts: (isl) =>
    void import('./compile.ts').then((c) =>
      c.loadCompiler((loaded, total) => compilerProgress(isl, loaded, total)).catch(() => undefined),
    ),
};

async function edit(isl: Island, pane: Pane, text: string, focus: boolean, save = true): Promise<void> {
  pane.code = text;
  if (!pane.editor) {
    const host = pane.section.querySelector<HTMLElement>('[data-editor]')!;
    const { createEditor } = await import('./editor.ts');
    const lang = pane.lang;
    pane.editor = createEditor(host, text, `Code of ${pane.name || 'your program'}`, lang, (code) => {
      pane.code = code;
      markStale(isl);
      // A shared schedule belongs to the shared code only.
      isl.sharedSchedule = undefined;
      // The reader is changing the program: start fetching the compiler now, so Run finds it ready
      // (for C, the parser's wasm, which the page hands to the worker with the program).
      PREFETCH[lang](isl);
      // Saved once typing pauses, or at once when the page goes away (storage.ts flushes on pagehide).
      saveSoon(pane.key, () =>
        saved(
          isl,
          pane,
          code === pane.original
            ? clearEdit(pane.key, undefined, pane.seen)
            : saveEdit(pane.key, code, pane.hash, undefined, pane.seen),
        ),
      );
    });
    host.hidden = false;
    pane.section.querySelector<HTMLElement>('[data-code]')!.hidden = true;
    pane.section.querySelector<HTMLElement>('[data-action="edit"]')!.hidden = true;
  } else if (pane.editor.text() !== text) {
    pane.editor.setText(text);
  }
  pane.section.querySelector<HTMLElement>('[data-action="reset"]')!.hidden = false;
  if (save && text !== pane.original) saved(isl, pane, saveEdit(pane.key, text, pane.hash, undefined, pane.seen));
  if (focus) pane.editor.focus();
}

/** Back to the read-only listing. */
function closeEditor(pane: Pane) {
  pane.editor?.destroy();
  pane.editor = null;
  const host = pane.section.querySelector<HTMLElement>('[data-editor]')!;
  host.hidden = true;
  host.innerHTML = '';
  pane.section.querySelector<HTMLElement>('[data-code]')!.hidden = false;
  pane.section.querySelector<HTMLElement>('[data-action="edit"]')!.hidden = false;
  pane.section.querySelector<HTMLElement>('[data-action="reset"]')!.hidden = true;
}

function reset(isl: Island, pane: Pane) {
  const out = clearEdit(pane.key, undefined, pane.seen);
  pane.code = pane.original;
  closeEditor(pane);
  pane.section.querySelector<HTMLElement>('[data-action="edit"]')!.focus();
  note(isl, `Reset ${pane.name || 'the program'} to the site's version.`);
  saved(isl, pane, out);
}

/** Tell the reader what a save did when it did not simply save: nothing is lost without a word. */
function saved(isl: Island, pane: Pane, out: SaveOutcome) {
  const what = pane.name || 'your program';
  if (out.displaced) return showKept(pane);
  // In the pane's notice box, which stays until a save succeeds (the note line is reused for progress).
  const box = pane.section.querySelector<HTMLElement>('[data-stale]')!;
  if (out.status === 'saved') {
    if (box.dataset.saveFailed !== undefined) hideStale(pane);
    return;
  }
  box.hidden = false;
  box.dataset.saveFailed = '';
  box.textContent =
    out.status === 'full'
      ? `Your edit of ${what} could not be saved: this browser's storage for the site is full. It stays in this tab until you close it; copy it somewhere safe, or free space and type again.`
      : `Your edit of ${what} is not saved: this browser does not let the site store data. It stays in this tab until you close it.`;
}

/** Offer the version a save kept (another tab's, or the reader's own from before a shared link). */
function showKept(pane: Pane) {
  const kept = loadKept(pane.key);
  if (!kept) return;
  const box = pane.section.querySelector<HTMLElement>('[data-stale]')!;
  box.hidden = false;
  box.dataset.kept = '';
  delete box.dataset.saveFailed;
  const when = kept.savedAt ? ` (saved ${new Date(kept.savedAt).toLocaleString()})` : '';
  box.innerHTML = `Another version of ${esc(pane.name || 'this program')} is kept in this browser${esc(when)}: it was stored when this tab saved over it, from another tab or from before you opened a shared link. <button type="button" data-action="kept-open" data-pane="${pane.index}">Open the kept version</button> <button type="button" data-action="kept-discard" data-pane="${pane.index}">Discard it</button>`;
}

/** Swap: the kept version comes into the editor, and the one shown until now is kept in its place. */
async function openKept(isl: Island, pane: Pane) {
  const kept = loadKept(pane.key);
  hideStale(pane);
  if (!kept) return;
  const mine = pane.code;
  clearKept(pane.key);
  await edit(isl, pane, kept.code, true);
  if (mine !== pane.original && mine !== kept.code) {
    saveKept(pane.key, mine, pane.hash);
    showKept(pane);
  }
}

/** The program's CommonJS text: built with the site when unedited, else compiled here. */
async function compiled(isl: Island, pane: Pane): Promise<string | null> {
  if (pane.code === pane.original) return pane.compiledOriginal;
  // C is compiled in the sandboxed worker (sim/c): the page sends the source as it is.
  if (pane.lang === 'c') {
    pane.compiled.set(pane.code, pane.code);
    return pane.code;
  }
  const hit = pane.compiled.get(pane.code);
  if (hit) return hit;
  const { compile } = await import('./compile.ts');
  isl.compiling = true;
  running(isl, 'Compiling…');
  if (q(isl, '[data-note]').textContent?.startsWith('Downloading the compiler')) note(isl, '');
  const r = await compile(pane.code, pane.name, (loaded, total) => compilerProgress(isl, loaded, total)).finally(
    () => (isl.compiling = false),
  );
  if (!r.ok) {
    showCompileErrors(isl, pane, r.errors);
    return null;
  }
  pane.editor?.markErrors([]);
  pane.compiled.set(pane.code, r.code);
  // By source: two sources can compile to the same text (esbuild drops comments) and map lines apart.
  if (r.map) pane.lineMaps.set(pane.code, lineMap(r.map));
  return r.code;
}

/** Download progress of the compiler, shown while a Run waits for it. */
function compilerProgress(isl: Island, loaded: number, total: number) {
  const pct = Math.min(100, Math.round((100 * loaded) / total));
  const text =
    pct < 100 ? `Downloading the compiler: ${pct}% of ${(total / 1e6).toFixed(1)} MB` : 'Starting the compiler…';
  if (isl.compiling) {
    running(isl, text);
    // The toolbar's download line would otherwise stay at the percentage it had when Run was pressed.
    if (q(isl, '[data-note]').textContent?.startsWith('Downloading the compiler')) note(isl, '');
  } else note(isl, pct < 100 ? `${text} (for your edits)` : 'The compiler is ready for your edits.');
}

function showCompileErrors(isl: Island, pane: Pane, errors: CompileError[]) {
  pane.editor?.markErrors(errors);
  running(isl, null);
  clearResults(isl);
  setVerdict(
    isl,
    `<p class="fl-pg-head">The program does not compile.</p><ul>${errors.map((e) => `<li>Line ${e.line}: ${esc(e.message)}</li>`).join('')}</ul>`,
    'bad',
  );
  pane.section.dataset.errorLines = errors.map((e) => e.line).join(' ');
}

type RunArgs = Omit<RunRequest, 'type' | 'id' | 'code' | 'name'>;

/** What a C program's request carries besides its source: the packed tree, or the parser's wasm. */
async function cFields(isl: Island, pane: Pane, code: string): Promise<CProgram> {
  if (pane.lang !== 'c') return {};
  if (code === pane.original && pane.tree) return { lang: 'c', tree: pane.tree };
  const { loadCWasm, cWasmLoading } = await import('./c-wasm.ts');
  if (!cWasmLoading()) running(isl, 'Downloading the C parser…');
  return { lang: 'c', wasm: await loadCWasm() };
}

/** A C program's compile error comes from the worker: marked on its line like a TypeScript one. */
function cCompileError(isl: Island, pane: Pane, r: Reply): boolean {
  if (r.type !== 'error' || r.phase !== 'load' || r.line === undefined || pane.lang !== 'c') return false;
  showCompileErrors(isl, pane, [{ line: r.line, column: Math.max(0, (r.column ?? 1) - 1), message: r.message }]);
  return true;
}

/** One request to the sandbox, with progress shown and the Cancel button wired. */
async function ask(isl: Island, pane: Pane, code: string, args: RunArgs, what: string): Promise<Reply> {
  const c = await cFields(isl, pane, code);
  running(isl, `${what}…`);
  const p = request(
    { type: 'run', code, name: pane.name || 'program', ...args, ...c },
    {
      owner: isl,
      onQueued: () => running(isl, `${WAITING}…`),
      onTurn: () => running(isl, `${what}…`),
      siteCode: code === pane.compiledOriginal,
      onProgress: (pr) => running(isl, `${what}: ${pr.executions} executions, ${(pr.elapsedMs / 1000).toFixed(1)} s`),
      onBlocked: blockedNotice(isl),
    },
  );
  isl.cancel = p.cancel;
  try {
    const r = await p.promise;
    cCompileError(isl, pane, r);
    return r;
  } finally {
    performance.mark(`fl-answered: ${what}`);
    isl.cancel = null;
  }
}

/** What the sandbox refused, kept for the verdict; a refusal after the verdict is added to it. */
function blockedNotice(isl: Island) {
  return (w: string) => {
    if (isl.blocked.includes(w)) return;
    isl.blocked.push(w);
    const v = q(isl, '[data-verdict]');
    // The verdict on screen is this run's, even while the views that follow it are still drawn.
    if (isl.verdictOf === isl.runs && v.textContent && v.dataset.stale === undefined) {
      const p = document.createElement('p');
      p.textContent = `The sandbox refused: ${w}. Programs run with no network and no storage.`;
      v.append(p);
    }
  };
}

function failureHtml(reply: Reply & { type: 'error' }): string {
  const hint = sandboxHint(reply.message);
  return `<p class="fl-pg-head">${reply.phase === 'load' ? 'The program could not start.' : 'The checker failed.'}</p><p>${esc(reply.message)}</p>${hint ? `<p>${esc(hint)}</p>` : ''}`;
}

function stoppedHtml(e: Stopped): string {
  if (e.reason === 'watchdog')
    return `<p class="fl-pg-head" data-watchdog="${esc(e.kind)}">${esc(e.head)}</p><p>${esc(e.message)}</p>`;
  if (e.reason === 'cancelled')
    return '<p class="fl-pg-head">Cancelled.</p><p>The search was stopped before it finished.</p>';
  return '';
}

function reportWithBlocked(isl: Island, report: Report): string {
  let html = verdictHtml(report);
  if (report.verdict === 'error') {
    const hint = sandboxHint(report.findings[0]?.message ?? '');
    if (hint) html += `<p>${esc(hint)}</p>`;
  }
  if (isl.blocked.length)
    html += `<p>The sandbox refused: ${esc(isl.blocked.join('; '))}. Programs run with no network and no storage.</p>`;
  return html;
}

/**
 * Resolves once what is on screen now has been painted (the next frame, then the task after it), or
 * after 100 ms where no frame comes (a hidden tab), so the verdict shows before the views under it
 * are drawn. False if a newer run of the island began meanwhile: that run owns the results now.
 */
function painted(isl: Island): Promise<boolean> {
  const n = isl.runs;
  return new Promise((resolve) => {
    const done = () => resolve(isl.runs === n);
    requestAnimationFrame(() => setTimeout(done, 0));
    setTimeout(done, 100);
  });
}

async function run(isl: Island): Promise<void> {
  const mode = isl.el.querySelector<HTMLSelectElement>('[data-mode]')?.value ?? 'check';
  performance.mark('fl-run');
  isl.runs++;
  isl.blocked = [];
  // Mark the previous verdict as superseded at once: loading the compiler module takes a moment, and
  // until then the page would still show the last answer as if it were this Run's.
  running(isl, 'Preparing…');
  clearMarks(isl);
  const codes: string[] = [];
  for (const p of isl.panes) {
    const c = await compiled(isl, p);
    if (c === null) return;
    codes.push(c);
  }
  performance.mark('fl-compiled');
  const results = q(isl, '[data-results]');
  const announce = q(isl, '[data-step-announce]');
  try {
    if (mode === 'sched') {
      isl.sched = { path: [], pane: 0 };
      // The keyboard goes to the choices at once: the game is played from there.
      isl.schedFocus = 'pick';
      await schedStep(isl);
      return;
    }
    if (mode === 'random') {
      const pane = isl.panes[0]!;
      const seed = (Date.now() % 100000) + 1;
      const rr = await ask(isl, pane, codes[0]!, { mode: 'random', runs: 200, seed }, 'Running 200 random schedules');
      if (rr.type !== 'result') return errorOut(isl, rr);
      const rc = await ask(isl, pane, codes[0]!, { mode: 'check' }, 'Checking every schedule');
      if (rc.type !== 'result') return errorOut(isl, rc);
      const s = rr.report.stats;
      setVerdict(
        isl,
        `<p class="fl-pg-head">Random: ${s.failedRuns ?? 0} of ${s.runs ?? 200} schedules went wrong. Exhaustive: ${esc(verdictPhrase(rc.report.verdict))}.</p>` +
          `<p>The random runs used seed ${seed}; run again for another sample. The exhaustive search is the same every time.</p>` +
          reportWithBlocked(isl, rc.report),
        verdictKind(rc.report.verdict),
        [rc.report.verdict],
      );
      if (!(await drawingAfterPaint(isl))) return;
      await loadPositions(isl, [
        showTrace(isl, results, rc.report, rc.log, announce, 'The exhaustive answer', pane, codes[0]),
      ]);
      return;
    }
    if (isl.panes.length === 2) return await runPair(isl, codes, results, announce);
    const pane = isl.panes[0]!;
    const r = await ask(isl, pane, codes[0]!, { mode: 'check' }, 'Checking every schedule');
    if (r.type !== 'result') return errorOut(isl, r);
    let shown = r;
    if (isl.sharedSchedule) {
      const rp = await ask(
        isl,
        pane,
        codes[0]!,
        { mode: 'replay', schedule: isl.sharedSchedule },
        'Replaying the shared schedule',
      );
      if (rp.type === 'result') shown = rp;
    }
    let html = reportWithBlocked(isl, r.report);
    if (isl.exercise) {
      // Solved means proved: every schedule explored, none wrong (the program's asserts included).
      const solved = r.report.verdict === 'ok' && r.report.completeness.complete;
      const head = solved
        ? 'Solved: no schedule goes wrong, and the child still does its work.'
        : r.report.verdict === 'ok'
          ? 'Not proved yet: no schedule went wrong, but the search stopped before it saw them all.'
          : 'Not solved yet.';
      html = `<p class="fl-pg-head">${head}</p>` + html;
      if (solved) {
        markSolved(isl.id);
        isl.el.dataset.solved = 'true';
        const badge = isl.el.querySelector('[data-progress-badge]');
        if (badge) badge.textContent = 'Solved in this browser. ✓';
      }
    }
    setVerdict(isl, html, verdictKind(r.report.verdict), [r.report.verdict]);
    if (!(await drawingAfterPaint(isl))) return;
    const trace = showTrace(
      isl,
      results,
      shown.report,
      shown.log,
      announce,
      shown === r ? undefined : 'The shared schedule',
      pane,
      codes[0],
    );
    offerReproduce(isl, results, pane, codes[0]!, r.report.findings[0]?.schedule);
    await loadPositions(isl, [trace]);
  } catch (e) {
    // Only this island's own newer request replaces it: that one owns the progress line and the verdict.
    if (e instanceof Stopped && e.reason === 'superseded') return;
    running(isl, null);
    clearResults(isl);
    if (e instanceof Stopped) {
      setVerdict(isl, stoppedHtml(e), 'bad');
      return;
    }
    setVerdict(isl, `<p class="fl-pg-head">Something went wrong.</p><p>${esc(String(e))}</p>`, 'bad');
  }
}

/**
 * The verdict is on screen: the running line says the views are being drawn, and they are drawn once
 * it has been painted. False if a newer run began meanwhile; else the running line is gone.
 */
async function drawingAfterPaint(isl: Island): Promise<boolean> {
  running(isl, 'Drawing the schedule…');
  const still = await painted(isl);
  if (still) running(isl, null);
  return still;
}

function errorOut(isl: Island, r: Reply) {
  // A C compile error is already on screen, marked on its line (cCompileError).
  if (r.type === 'error' && r.phase === 'load' && r.line !== undefined) return;
  running(isl, null);
  clearResults(isl);
  if (r.type === 'error') setVerdict(isl, failureHtml(r), 'bad');
}

/** A trace on screen, whose steps can be followed in its program's code once positions arrive. */
interface Shown {
  pane: Pane;
  code: string;
  schedule: string;
  setPositions(p: [number, number][][]): void;
  /** Moves this trace's cursor to a step. */
  goto(step: number): void;
}

function showTrace(
  isl: Island,
  host: HTMLElement,
  report: Report,
  log: LogLine[],
  announce: HTMLElement,
  caption?: string,
  pane?: Pane,
  code?: string,
): Shown | null {
  const f = report.findings[0];
  const trace = f?.trace ?? report.sample?.trace ?? [];
  isl.lastSchedule = f?.schedule ?? report.sample?.schedule;
  host.innerHTML = '';
  if (!trace.length) return null;
  const box = document.createElement('div');
  host.append(box);
  const follow = pane && code ? followInCode(pane, code, trace) : null;
  const view = traceView(box, trace, log, {
    stuck: f?.stuck,
    idPrefix: `pg-${isl.id.replace(/[^a-z0-9]/gi, '-')}`,
    announce,
    caption: caption ?? (f ? 'The schedule that goes wrong' : 'One schedule'),
    schedule: isl.lastSchedule,
    explain: !!f,
    onStep: follow?.onStep,
  });
  return follow && isl.lastSchedule
    ? { pane: pane!, code: code!, schedule: isl.lastSchedule, setPositions: follow.setPositions, goto: view.set }
    : null;
}

/** Highlights, at each step, the line each thread is at in the pane's code (listing or editor). */
function followInCode(pane: Pane, code: string, trace: TraceEvent[]) {
  const colours = threadColours(trace.map((e) => e.tid));
  // The source this run compiled: the pane's own when it compiles to this text (an edit of comments
  // alone compiles to the site's text, with other line numbers).
  const now = pane.code === pane.original ? pane.compiledOriginal : pane.compiled.get(pane.code);
  const source = now === code ? pane.code : codeSource(pane, code);
  let positions: [number, number][][] | null = null;
  let step = 0;
  const apply = () => {
    if (!positions || pane.code !== source) return;
    const map = source === pane.original ? pane.lines : pane.lineMaps.get(source);
    // A C program's marks are its own lines (sim/c/track.ts); TypeScript's go through the source map.
    const c = pane.lang === 'c';
    const marks: ThreadMark[] = (positions[step] ?? [])
      .map(([tid, l]) => ({
        tid: Number(tid),
        line: c ? Number(l) : sourceLine(map, Number(l)),
        colour: colours.get(Number(tid)) ?? '#56B4E9',
      }))
      .filter((m) => m.line > 0);
    const mover = trace.find((e) => e.step === step)?.tid;
    // After the last step no thread moves (a deadlock leaves each where it waits): bring the first
    // thread's line into view, the main thread's, where the reader looks for why the program hangs.
    const focus = mover === undefined ? marks[0]?.line : marks.find((m) => m.tid === mover)?.line;
    if (pane.editor) pane.editor.markThreads(marks, focus);
    else markListing(listingOf(pane), marks, focus);
  };
  return {
    onStep(s: number) {
      step = s;
      apply();
    },
    setPositions(p: [number, number][][]) {
      positions = p;
      apply();
    },
  };
}

/** The source a compiled text came from, as far as this pane knows. */
function codeSource(pane: Pane, code: string): string {
  if (code === pane.compiledOriginal) return pane.original;
  for (const [src, c] of pane.compiled) if (c === code) return src;
  return '';
}

/** A run that gave no answer (compile error, watchdog, cancel, failure) leaves no older answer below it. */
function clearResults(isl: Island) {
  q(isl, '[data-results]').innerHTML = '';
  isl.lastSchedule = undefined;
  clearMarks(isl);
}

/** The program changed since the results were drawn: say so on them, and take the code marks away. */
function markStale(isl: Island) {
  const results = q(isl, '[data-results]');
  const v = q(isl, '[data-verdict]');
  if (!v.textContent || v.dataset.stale !== undefined) return;
  v.dataset.stale = '';
  results.dataset.stale = '';
  const p = document.createElement('p');
  p.className = 'fl-pg-stale-note';
  p.dataset.staleNote = '';
  p.textContent =
    'You changed the program since this run: these results are for the code before your edit. Press Run to check it again.';
  v.prepend(p);
  clearMarks(isl);
}

/** Clears every thread mark of the island (a new run, or results that no longer apply). */
function clearMarks(isl: Island) {
  for (const p of isl.panes) {
    p.editor?.markThreads([]);
    markListing(listingOf(p), []);
  }
}

/** After the verdict: where each thread is at every step, one quiet request per trace shown. */
async function loadPositions(isl: Island, shown: (Shown | null)[]) {
  for (const s of shown) {
    if (!s) continue;
    try {
      const reply = await request(
        {
          type: 'run',
          code: s.code,
          name: s.pane.name || 'program',
          mode: 'replay',
          schedule: s.schedule,
          positions: true,
          ...(await cFields(isl, s.pane, s.code)),
        },
        { owner: isl, onBlocked: blockedNotice(isl) },
      ).promise;
      if (reply.type === 'result' && Array.isArray(reply.positions)) s.setPositions(reply.positions);
    } catch {
      return; // a newer run replaced this one; it shows its own
    }
  }
}

async function runPair(isl: Island, codes: string[], results: HTMLElement, announce: HTMLElement) {
  const [a, b] = isl.panes as [Pane, Pane];
  const ra = await ask(isl, a, codes[0]!, { mode: 'check' }, `Checking ${a.name || 'the first program'}`);
  if (ra.type !== 'result') return errorOut(isl, ra);
  const rb = await ask(isl, b, codes[1]!, { mode: 'check' }, `Checking ${b.name || 'the second program'}`);
  if (rb.type !== 'result') return errorOut(isl, rb);
  // The verdicts are the answer: shown now, while the comparison below them is still being made.
  // Each program's verdict in a box of its own colour, side by side where there is room.
  setVerdict(
    isl,
    `<div class="fl-pg-pair-results"><div class="fl-pg-side" data-kind="${verdictKind(ra.report.verdict)}">${verdictHtml(ra.report, a.name)}</div><div class="fl-pg-side" data-kind="${verdictKind(rb.report.verdict)}">${verdictHtml(rb.report, b.name)}</div></div>`,
    'pair',
    [ra.report.verdict, rb.report.verdict],
  );
  performance.mark('fl-verdict');
  // The same schedule for both: the buggy program's counterexample, its turns played on the fixed one.
  const bad = ra.report.findings[0];
  const schedule = bad?.schedule;
  let same: Extract<Reply, { type: 'result' }> | null = null;
  if (schedule) {
    const forkAt = bad.trace.find((e) => e.type === 'fork')?.step;
    try {
      const rp = await ask(
        isl,
        b,
        codes[1]!,
        { mode: 'follow', schedule, forkAt },
        'Playing the same schedule on the fixed program',
      );
      if (rp.type === 'result' && (rp.report.findings[0]?.trace.length || rp.report.sample?.trace.length)) same = rp;
    } catch (e) {
      // A newer run takes over; a cancel or a stop here leaves the verdicts, without the comparison.
      if (e instanceof Stopped && e.reason === 'superseded') throw e;
    }
  } else if (!(await drawingAfterPaint(isl))) return;
  running(isl, null);
  results.innerHTML =
    '<div data-compare></div><div class="fl-pg-pair-results"><div data-left></div><div data-right></div></div>';
  const left = results.querySelector<HTMLElement>('[data-left]')!;
  const right = results.querySelector<HTMLElement>('[data-right]')!;
  const l = showTrace(
    isl,
    left,
    ra.report,
    ra.log,
    announce,
    bad ? `${a.name}: the schedule that goes wrong` : `${a.name}: one schedule`,
    a,
    codes[0],
  );
  const r2 = same ?? rb;
  const r = showTrace(
    isl,
    right,
    r2.report,
    r2.log,
    announce,
    same ? `${b.name}: the same schedule, as far as the fix lets it go` : `${b.name}: one schedule`,
    b,
    codes[1],
  );
  if (bad && same) {
    const fixedTrace = same.report.findings[0]?.trace ?? same.report.sample?.trace ?? [];
    compareHtml(
      results.querySelector<HTMLElement>('[data-compare]')!,
      alignRuns(bad.trace, fixedTrace, { a: a.name || 'the buggy program', b: b.name || 'the fixed program' }, bad),
      a.name,
      b.name,
      l,
      r,
    );
  }
  isl.lastSchedule = schedule;
  offerReproduce(isl, results, a, codes[0]!, schedule);
  performance.mark('fl-shown');
  await loadPositions(isl, [l, r]);
}

/**
 * "Reproduce on Linux" under a C program's counterexample: the worker writes the C file that forces
 * the schedule on real threads (reproduce-file.ts), and the page downloads it.
 */
function offerReproduce(isl: Island, host: HTMLElement, pane: Pane, code: string, schedule: string | undefined) {
  if (pane.lang !== 'c' || !schedule) return;
  const box = document.createElement('p');
  box.className = 'fl-pg-reproduce-box';
  host.prepend(box);
  reproduceButton(box, async (): Promise<Reproduction> => {
    const c = await cFields(isl, pane, code);
    let r: Reply;
    try {
      r = await request(
        { type: 'run', code, name: pane.name || 'program', mode: 'replay', schedule, reproduce: true, ...c },
        { owner: isl, siteCode: code === pane.compiledOriginal, onBlocked: blockedNotice(isl) },
      ).promise;
    } catch (e) {
      throw new Error(e instanceof Stopped ? e.message : String(e), { cause: e });
    }
    if (r.type === 'reproduction') return r;
    throw new Error(r.type === 'error' ? r.message : 'the sandbox gave no file');
  });
}

/** The two runs lined up by the events they share, the first point where they part in words. */
function compareHtml(host: HTMLElement, al: Alignment, aName: string, bName: string, l: Shown | null, r: Shown | null) {
  if (al.first === undefined) {
    host.innerHTML = `<p class="fl-pg-diverge">The fixed program runs this schedule exactly as the buggy one does, event for event.</p>`;
    return;
  }
  const row = (x: AlignedRow, i: number) =>
    `<tr${i === al.first ? ' class="fl-pg-first-diff" aria-current="true"' : ''}${x.a && x.b ? '' : ' data-differs'}><td>${x.a ? `<button type="button" class="fl-pg-goto" data-goto-a="${x.a.step}">${x.a.step}</button> ${esc(describeEvent(x.a))}` : ''}</td><td>${x.b ? `<button type="button" class="fl-pg-goto" data-goto-b="${x.b.step}">${x.b.step}</button> ${esc(describeEvent(x.b))}` : ''}</td></tr>`;
  host.innerHTML = `<p class="fl-pg-diverge" data-divergence><strong>Where they part.</strong> ${esc(al.words ?? '')}</p>${al.fork ? `<p class="fl-pg-diverge" data-at-fork><strong>At the fork.</strong> ${esc(al.fork)}</p>` : ''}
    <details class="fl-pg-align"><summary>The two runs side by side, matched by their locks, forks, waits and calls</summary>
    <table><thead><tr><th scope="col">${esc(aName)}</th><th scope="col">${esc(bName)}</th></tr></thead><tbody>${al.rows.map(row).join('')}</tbody></table></details>`;
  host.addEventListener('click', (e) => {
    const t = (e.target as Element).closest<HTMLElement>('[data-goto-a], [data-goto-b]');
    if (!t) return;
    if (t.dataset.gotoA) l?.goto(Number(t.dataset.gotoA));
    if (t.dataset.gotoB) r?.goto(Number(t.dataset.gotoB));
  });
}

async function schedStep(isl: Island): Promise<void> {
  const s = isl.sched!;
  const pane = isl.panes[s.pane]!;
  const code = await compiled(isl, pane);
  if (code === null) return;
  performance.mark('fl-sched-asked');
  // A pick on the live world answers at once; say it is working only when it does not.
  const slow = setTimeout(() => running(isl, 'Taking the step…'), 150);
  let reply: Reply;
  try {
    const c = await cFields(isl, pane, code);
    const p = request(
      { type: 'sched', code, name: pane.name || 'program', path: s.path, ...c },
      {
        owner: isl,
        onQueued: () => running(isl, `${WAITING}…`),
        onTurn: () => running(isl, 'Taking the step…'),
        siteCode: code === pane.compiledOriginal,
        session: true,
      },
    );
    isl.cancel = p.cancel;
    reply = await p.promise;
    if (cCompileError(isl, pane, reply)) return;
  } catch (e) {
    // Only this island's own newer request replaces it: that one owns the progress line and the verdict.
    if (e instanceof Stopped && e.reason === 'superseded') return;
    running(isl, null);
    if (e instanceof Stopped) setVerdict(isl, stoppedHtml(e), 'bad');
    return;
  } finally {
    clearTimeout(slow);
    isl.cancel = null;
  }
  performance.mark('fl-sched-answered');
  running(isl, null);
  if (reply.type === 'error') return errorOut(isl, reply);
  if (reply.type !== 'sched-state') return;
  renderSched(isl, reply.state);
  performance.mark('fl-sched-drawn');
}

function renderSched(isl: Island, st: SchedState) {
  const results = q(isl, '[data-results]');
  const enabledTids = new Set(st.enabled.map((c) => c.tid));
  const f = st.findings[0];
  const at = isl.sched!;
  const steps = at.path.length;
  const pair = isl.panes.length === 2;
  const fixedName = isl.panes[1]?.name || 'the fixed program';
  isl.lastSchedule = st.schedule;
  // The chapter's task, checked on the live world's findings after every pick.
  const g = isl.goal;
  const reached = g ? goalReached(g.kind, st.findings, st.trace[0]?.pid) : false;
  if (g && reached) {
    g.reached.add(at.pane);
    isl.el.dataset.goalReached = [...g.reached].sort().join(' ');
  }
  const tryFixed = `<button type="button" data-action="sched-pane" data-pane="1" data-try-fixed>Schedule ${esc(fixedName)}</button>`;
  let goalHtml = '';
  if (g && reached && at.pane === 0)
    goalHtml = `<p class="fl-pg-goal" data-goal-state="reached"><strong>Goal reached:</strong> ${goalDone(g.kind)} in ${steps} steps.${pair ? ` Now try the fixed program: can you still? ${tryFixed}` : ''}</p>`;
  else if (g && reached)
    goalHtml = `<p class="fl-pg-goal" data-goal-state="fix-failed"><strong>The fix did not hold:</strong> ${goalDone(g.kind)} in ${esc(fixedName)} too, in ${steps} steps.</p>`;
  else if (g && st.over && at.pane === 1)
    goalHtml = `<p class="fl-pg-goal" data-goal-state="fix-held"><strong>The fix held on your schedule:</strong> every step you could take led to the end, and the goal was not reached. Undo and try other orders; Check every schedule shows that none reaches it.</p>`;
  const sentences = f?.stuck?.map((t) => t.sentence).filter((x) => !f.message.includes(x)) ?? [];
  if (st.over) {
    setVerdict(
      isl,
      goalHtml +
        (f
          ? `<p class="fl-pg-head">You scheduled your way to ${f.kind === 'deadlock' ? 'a deadlock' : `a failure (${esc(f.kind)})`} in ${steps} steps.</p><p>${esc(f.message)}</p>${sentences.length ? `<ul>${sentences.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}`
          : `<p class="fl-pg-head">Every process finished after ${steps} steps.</p><p>This schedule is fine. Undo and try another order.</p>`),
      f ? 'bad' : 'ok',
    );
  } else {
    setVerdict(
      isl,
      goalHtml +
        `<p>Step ${steps}: ${st.enabled.length} thread${st.enabled.length === 1 ? ' can' : 's can'} run. Pick one.</p>`,
      '',
    );
  }
  const task =
    g && !reached
      ? `<p class="fl-pg-goal" data-goal-state="open"><strong>${at.pane === 1 ? 'Now try the fixed program' : 'Goal'}:</strong> ${esc(g.text)}</p>`
      : '';
  const panes = pair
    ? `<div class="fl-pg-choices" role="group" aria-label="Program to schedule">${isl.panes
        .map(
          (p) =>
            `<button type="button" data-action="sched-pane" data-pane="${p.index}" aria-pressed="${p.index === at.pane}">Schedule ${esc(p.name || `program ${p.index + 1}`)}</button>`,
        )
        .join('')}</div>`
    : '';
  const why = whyNot(st.trace, enabledTids, st.threads);
  results.innerHTML = `
    <p class="fl-pg-sub">You are the scheduler: pick the thread that takes the next step${pair ? ` of ${esc(isl.panes[at.pane]!.name)}` : ''}</p>
    ${panes}${task}
    <div class="fl-pg-choices" role="group" aria-label="Threads that can run">
      ${st.enabled.map((c) => `<button type="button" data-action="sched-pick" data-choice="${esc(c.id)}">Run thread ${c.tid} <small>(process ${c.pid}: ${esc(c.label)})</small></button>`).join('')}
      <button type="button" data-action="sched-undo" ${isl.sched!.path.length ? '' : 'disabled'}>Undo</button>
      <button type="button" data-action="sched-restart">Start over</button>
    </div>
    ${why.map((w) => `<p class="fl-pg-cant">${esc(w)}</p>`).join('')}
    <div data-sched-trace></div>`;
  const box = results.querySelector<HTMLElement>('[data-sched-trace]')!;
  if (st.trace.length)
    traceView(box, st.trace, st.log, {
      stuck: f?.stuck,
      idPrefix: `pgs-${isl.id.replace(/[^a-z0-9]/gi, '-')}`,
      announce: q(isl, '[data-step-announce]'),
      schedule: st.schedule,
    });
  // The buttons were just replaced: put focus back among them (the first choice after a pick, Undo
  // after Undo while there is more to undo), so keyboard-only play never falls back to the page.
  const first = results.querySelector<HTMLButtonElement>('[data-action="sched-pick"]');
  const undo = results.querySelector<HTMLButtonElement>('[data-action="sched-undo"]:not([disabled])');
  const restart = results.querySelector<HTMLButtonElement>('[data-action="sched-restart"]');
  // Once the goal is reached in the buggy program, the next move is the fixed one.
  const next = isl.el.querySelector<HTMLButtonElement>('[data-verdict] [data-try-fixed]');
  const want = isl.schedFocus;
  isl.schedFocus = undefined;
  if (want === 'undo') (undo ?? first ?? restart)?.focus({ preventScroll: true });
  else if (want === 'pick') (first ?? next ?? undo ?? restart)?.focus({ preventScroll: true });
}

async function share(isl: Island): Promise<void> {
  const hash = encodeShare({
    id: isl.id,
    codes: isl.panes.map((p) => p.code),
    schedule: isl.lastSchedule,
    lang: isl.lang,
  });
  const url = `${location.origin}${location.pathname}${hash}`;
  isl.el.dataset.shareUrl = url;
  try {
    await navigator.clipboard.writeText(url);
    note(isl, `Link copied: it holds the code${isl.lastSchedule ? ' and the schedule shown' : ''}.`);
  } catch {
    const n = q(isl, '[data-note]');
    n.innerHTML = `<label>Copy this link: <input type="text" readonly value="${esc(url)}" size="30"></label>`;
    n.querySelector('input')?.select();
  }
}
