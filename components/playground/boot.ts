// The Playground's first script, loaded with the page: it only reveals the controls, restores saved
// state cheaply, and loads the controller (editor, views, sandbox) on the reader's first interaction.

type Controller = typeof import('./controller.ts');
let controller: Promise<Controller> | null = null;
const loadController = () => (controller ??= import('./controller.ts'));

/**
 * Each example's script data (its source, compiled form, C twin and packed tree) is a content-hashed
 * file of the site (pane-data.ts), not part of the page: fetched once per Playground, on the first
 * interaction or the pointer's approach, and put in the pane as the elements the controller reads.
 */
const dataLoads = new WeakMap<HTMLElement, Promise<void>>();
function loadData(el: HTMLElement): Promise<void> {
  let p = dataLoads.get(el);
  if (!p) {
    const sections = [...el.querySelectorAll<HTMLElement>('section[data-pane][data-src]')];
    p = Promise.all(
      sections.map(async (section) => {
        const res = await fetch(section.dataset.src!);
        if (!res.ok) throw new Error(`could not load the program's data (${res.status})`);
        const d = (await res.json()) as { source: string; compiled: string; lines: number[]; c: unknown };
        const add = (attr: string, value: unknown) => {
          const script = document.createElement('script');
          script.type = 'application/json';
          script.setAttribute(attr, '');
          script.textContent = JSON.stringify(value);
          section.append(script);
        };
        add('data-source', d.source);
        add('data-compiled', d.compiled);
        add('data-lines', d.lines);
        if (el.dataset.hasC !== undefined && d.c) add('data-c', d.c);
        delete section.dataset.src;
      }),
    ).then(() => undefined);
    p.catch((e: unknown) => {
      dataLoads.delete(el);
      const note = el.querySelector('[data-note]');
      if (note) note.textContent = `${e instanceof Error ? e.message : String(e)}: try again.`;
    });
    dataLoads.set(el, p);
  }
  return p;
}

/** The controller, once this Playground's data is in place. */
const load = (el: HTMLElement) => Promise.all([loadController(), loadData(el)]).then(([c]) => c);

const EDIT_PREFIX = 'forklore:v1:edit:';
const SOLVED_PREFIX = 'forklore:v1:solved:';
/** A version kept from a conflict (storage.ts): it is offered back on load, so the controller loads. */
const KEPT_PREFIX = 'forklore:v1:kept:';

/** The reader's language for programs with a C twin: 'ts' or 'c' (the default), kept across pages. */
export const LANG_KEY = 'forklore:v1:lang';

/** Shows `lang`'s listing, file name and solution in a Playground that has a C twin (cheap: DOM only). */
export function showLanguage(el: HTMLElement, lang: 'c' | 'ts'): void {
  if (el.dataset.hasC === undefined) return;
  // The listings kept in templates until now (PlaygroundBody.astro) become part of the page.
  if (lang === 'ts')
    for (const t of el.querySelectorAll<HTMLTemplateElement>('[data-only] > template[data-later]'))
      t.replaceWith(t.content);
  el.dataset.lang = lang;
  for (const x of el.querySelectorAll<HTMLElement>('[data-only]')) x.hidden = x.dataset.only !== lang;
  for (const b of el.querySelectorAll<HTMLElement>('[data-action="lang"]'))
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
}

function storageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

class FlPlayground extends HTMLElement {
  connectedCallback() {
    if (this.dataset.ready) return;
    this.dataset.ready = 'true';
    for (const el of this.querySelectorAll<HTMLElement>('[data-js]')) el.hidden = false;
    const id = this.dataset.id ?? '';
    if (storageGet(LANG_KEY) === 'ts') showLanguage(this, 'ts');
    this.addEventListener('click', (e) => {
      const btn = (e.target as Element).closest<HTMLButtonElement>('button[data-action]');
      if (!btn || !this.contains(btn)) return;
      const action = btn.dataset.action!;
      void load(this).then((c) => c.act(this, action, btn));
    });
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void load(this).then((c) => c.act(this, 'run'));
      }
    });
    this.querySelector('[data-mode]')?.addEventListener(
      'change',
      () => void load(this).then((c) => c.act(this, 'mode')),
    );
    // Warm the sandbox when the reader reaches for the controls, so that Run answers at once.
    const warm = () => void load(this).then((c) => c.warm());
    this.addEventListener('pointerenter', warm, { once: true });
    this.addEventListener('focusin', warm, { once: true });
    if (this.dataset.exercise !== undefined && storageGet(SOLVED_PREFIX + id)) {
      const badge = this.querySelector('[data-progress-badge]');
      if (badge) badge.textContent = 'Solved in this browser. ✓';
      this.dataset.solved = 'true';
    }
    const panes = this.querySelectorAll<HTMLElement>('[data-pane]');
    const edited = [...panes].some(
      (p) =>
        p.tagName === 'SECTION' &&
        [p.dataset.name || 'blank', `${p.dataset.name || 'blank'}.c`].some(
          (k) => storageGet(EDIT_PREFIX + k) || storageGet(KEPT_PREFIX + k),
        ),
    );
    if (edited || /^#(?:pg|share)=/.test(location.hash)) void load(this).then((c) => c.restore(this, location.hash));
  }
}

export function bootPlayground(): void {
  if (!customElements.get('fl-playground')) customElements.define('fl-playground', FlPlayground);
}
