// The Playground's first script, loaded with the page: it only reveals the controls, restores saved
// state cheaply, and loads the controller (editor, views, sandbox) on the reader's first interaction.

type Controller = typeof import('./controller.ts');
let controller: Promise<Controller> | null = null;
const load = () => (controller ??= import('./controller.ts'));

const EDIT_PREFIX = 'forklore:v1:edit:';
const SOLVED_PREFIX = 'forklore:v1:solved:';
/** A version kept from a conflict (storage.ts): it is offered back on load, so the controller loads. */
const KEPT_PREFIX = 'forklore:v1:kept:';

/** The reader's language for programs with a C twin: 'ts' or 'c' (the default), kept across pages. */
export const LANG_KEY = 'forklore:v1:lang';

/** Shows `lang`'s listing, file name and solution in a Playground that has a C twin (cheap: DOM only). */
export function showLanguage(el: HTMLElement, lang: 'c' | 'ts'): void {
  if (el.dataset.hasC === undefined) return;
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
      void load().then((c) => c.act(this, action, btn));
    });
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void load().then((c) => c.act(this, 'run'));
      }
    });
    this.querySelector('[data-mode]')?.addEventListener('change', () => void load().then((c) => c.act(this, 'mode')));
    // Warm the sandbox when the reader reaches for the controls, so that Run answers at once.
    const warm = () => void load().then((c) => c.warm());
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
    if (edited || /^#(?:pg|share)=/.test(location.hash)) void load().then((c) => c.restore(this, location.hash));
  }
}

export function bootPlayground(): void {
  if (!customElements.get('fl-playground')) customElements.define('fl-playground', FlPlayground);
}
