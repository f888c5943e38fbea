// The reader's edits and exercise progress in this browser's localStorage: one key per example
// (so every Playground showing an example shows the reader's version of it), 'blank' for their own.
//
// No edit is lost without the reader being told. A save that fails (storage full or blocked) says so.
// Each tab remembers the version it last read or wrote for an example (`Seen`); when the stored one
// differs at the moment of a save or a reset (another tab saved meanwhile, or the tab shows a shared
// link's code over the reader's own edit), the stored version is first kept under a second key and
// the caller is told, so that both versions survive. Pending saves are written on pagehide.
export interface SavedEdit {
  code: string;
  /** Hash of the site's version the edit started from, to notice when the example changed since. */
  base: string;
  savedAt: number;
}

/** What this tab last read from or wrote to an example's key (null: nothing, or the site's version). */
export interface Seen {
  code: string | null;
}

export type SaveStatus = 'saved' | 'full' | 'unavailable';

export interface SaveOutcome {
  status: SaveStatus;
  /** The version that was in storage and is not this tab's: kept under the example's kept key. */
  displaced?: SavedEdit;
}

const EDIT = 'forklore:v1:edit:';
const KEPT = 'forklore:v1:kept:';
const SOLVED = 'forklore:v1:solved:';

function store(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function read(s: Storage | null, key: string): SavedEdit | null {
  let raw: string | null | undefined;
  try {
    raw = s?.getItem(key);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return null;
    const { code, base, savedAt } = v as Partial<Record<keyof SavedEdit, unknown>>;
    if (typeof code !== 'string') return null;
    return { code, base: typeof base === 'string' ? base : '', savedAt: typeof savedAt === 'number' ? savedAt : 0 };
  } catch {
    return null;
  }
}

function write(s: Storage | null, key: string, v: SavedEdit): SaveStatus {
  if (!s) return 'unavailable';
  try {
    s.setItem(key, JSON.stringify(v));
    return 'saved';
  } catch (e) {
    return e instanceof DOMException && (e.name === 'QuotaExceededError' || e.code === 22) ? 'full' : 'unavailable';
  }
}

export function loadEdit(example: string, s: Storage | null = store()): SavedEdit | null {
  return read(s, EDIT + example);
}

/** The version kept from a conflict (another tab's, or the reader's own from before a shared link). */
export function loadKept(example: string, s: Storage | null = store()): SavedEdit | null {
  return read(s, KEPT + example);
}

export function clearKept(example: string, s: Storage | null = store()): void {
  try {
    s?.removeItem(KEPT + example);
  } catch {
    /* nothing to clear */
  }
}

/** Keep the stored version when it is neither what this tab saw nor what it is about to write. */
function keepIfCompeting(s: Storage | null, example: string, seen: Seen, next: string | null): SavedEdit | undefined {
  const stored = read(s, EDIT + example);
  if (!stored || stored.code === seen.code || stored.code === next) return undefined;
  return write(s, KEPT + example, stored) === 'saved' ? stored : undefined;
}

/** Save the reader's edit; says whether it was written and which competing version it kept. */
export function saveEdit(
  example: string,
  code: string,
  base: string,
  s: Storage | null = store(),
  seen: Seen = { code: null },
): SaveOutcome {
  const displaced = keepIfCompeting(s, example, seen, code);
  const status = write(s, EDIT + example, { code, base, savedAt: Date.now() });
  if (status === 'saved') seen.code = code;
  return displaced ? { status, displaced } : { status };
}

/** Forget the reader's edit (back to the site's version); a competing stored version is kept first. */
export function clearEdit(example: string, s: Storage | null = store(), seen: Seen = { code: null }): SaveOutcome {
  const displaced = keepIfCompeting(s, example, seen, null);
  try {
    s?.removeItem(EDIT + example);
  } catch {
    return { status: 'unavailable' };
  }
  seen.code = null;
  return displaced ? { status: 'saved', displaced } : { status: 'saved' };
}

export function markSolved(id: string, s: Storage | null = store()): void {
  try {
    s?.setItem(`${SOLVED}${id}`, String(Date.now()));
  } catch {
    /* ignore */
  }
}

/** Saves waiting for the reader to pause typing; all of them are written when the page goes away. */
const pending = new Map<string, { timer: ReturnType<typeof setTimeout>; run: () => void }>();

/** Run `save` after `delayMs` without another call for the same key, or at once on pagehide. */
export function saveSoon(key: string, save: () => void, delayMs = 250): void {
  const old = pending.get(key);
  if (old) clearTimeout(old.timer);
  const run = () => {
    pending.delete(key);
    save();
  };
  pending.set(key, { timer: setTimeout(run, delayMs), run });
}

/** Write every pending save now. */
export function flushSaves(): void {
  for (const p of [...pending.values()]) {
    clearTimeout(p.timer);
    p.run();
  }
}

if (typeof addEventListener === 'function' && typeof document !== 'undefined') {
  addEventListener('pagehide', flushSaves);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flushSaves());
}

/** Keep a version under the example's kept key (the one the reader swapped out for the kept one). */
export function saveKept(example: string, code: string, base: string, s: Storage | null = store()): SaveStatus {
  return write(s, KEPT + example, { code, base, savedAt: Date.now() });
}

/** Call `changed(example, code)` when another tab saves (or clears) an example's edit. */
export function watchOtherTabs(changed: (example: string, code: string | null) => void): void {
  if (typeof addEventListener !== 'function') return;
  addEventListener('storage', (e) => {
    if (!e.key?.startsWith(EDIT)) return;
    const example = e.key.slice(EDIT.length);
    changed(example, loadEdit(example)?.code ?? null);
  });
}
