// The reader's edits and exercise progress in this browser's localStorage: one key per example
// (so every Playground showing an example shows the reader's version of it), 'blank' for their own.
export interface SavedEdit {
  code: string;
  /** Hash of the site's version the edit started from, to notice when the example changed since. */
  base: string;
  savedAt: number;
}

const EDIT = 'forklore:v1:edit:';
const SOLVED = 'forklore:v1:solved:';

function store(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function loadEdit(example: string, s: Storage | null = store()): SavedEdit | null {
  const raw = s?.getItem(EDIT + example);
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as SavedEdit;
    return typeof v.code === 'string' ? v : null;
  } catch {
    return null;
  }
}

export function saveEdit(example: string, code: string, base: string, s: Storage | null = store()): void {
  try {
    s?.setItem(EDIT + example, JSON.stringify({ code, base, savedAt: Date.now() } satisfies SavedEdit));
  } catch {
    /* full or forbidden: the edit lives until the page closes */
  }
}

export function clearEdit(example: string, s: Storage | null = store()): void {
  s?.removeItem(EDIT + example);
}

export function markSolved(id: string, s: Storage | null = store()): void {
  try {
    s?.setItem(`${SOLVED}${id}`, String(Date.now()));
  } catch {
    /* ignore */
  }
}
