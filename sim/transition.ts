// Transition ids, the names of the steps a scheduler chooses, built and parsed only here:
//   "TID"          the thread's next library operation
//   "TID!SIG"      delivers pending signal SIG to the thread first
//   "TID~VARIANT"  another local choice of the thread ("TID~spurious": a spurious condition wake-up)
// They are stable across re-executions of the same prefix, and schedule strings are made of them.

declare const transitionIdBrand: unique symbol;
/** A transition id built by the functions below: a template string does not type-check as one. */
export type TransitionId = string & { readonly [transitionIdBrand]: true };

const id = (s: string): TransitionId => s as TransitionId;

const plainIds: TransitionId[] = [];
/** Built once per tid: the world names every enabled thread's step at every step. */
export const plainId = (tid: number): TransitionId => {
  if (tid >= 0 && tid < 1 << 20 && Number.isInteger(tid)) return (plainIds[tid] ??= id(String(tid)));
  return id(String(tid));
};
export const signalId = (tid: number, sig: string): TransitionId => id(`${tid}!${sig}`);
export const spuriousId = (tid: number): TransitionId => variantId(tid, 'spurious');
/** A local choice of a thread other than its plain step (a stand-in world's "~alt", say). */
export const variantId = (tid: number, variant: string): TransitionId => id(`${tid}~${variant}`);

export type ParsedId =
  | { tid: number; kind: 'plain' }
  | { tid: number; kind: 'signal'; sig: string }
  | { tid: number; kind: 'variant'; variant: string };

const GRAMMAR = /^(\d+)(?:(!|~)([A-Za-z0-9_-]+))?$/;

/** Ids already taken apart (a search names the same few ids at every step); kept small. */
const parsed = new Map<string, ParsedId | null>();

/** Takes an id apart; null when the text is not an id. The result is shared: do not change it. */
export function parseId(text: string): ParsedId | null {
  let p = parsed.get(text);
  if (p === undefined) {
    if (parsed.size >= 4096) parsed.clear();
    parsed.set(text, (p = parseUncached(text)));
    if (p) Object.freeze(p);
  }
  return p;
}

function parseUncached(text: string): ParsedId | null {
  const m = GRAMMAR.exec(text);
  if (!m) return null;
  const tid = Number(m[1]);
  if (m[2] === undefined) return { tid, kind: 'plain' };
  return m[2] === '!' ? { tid, kind: 'signal', sig: m[3]! } : { tid, kind: 'variant', variant: m[3]! };
}

/** The id a text names, as read from a schedule string or a message; null when it is not one. */
export function asTransitionId(text: string): TransitionId | null {
  return GRAMMAR.test(text) ? id(text) : null;
}

/** The thread an id belongs to: the digits it starts with (NaN for text that is not an id). */
export function tidOf(text: string): number {
  return parseId(text)?.tid ?? Number.NaN;
}

/** True for a thread's plain step ("1001"), false for a signal delivery or another variant. */
export function isPlainId(text: TransitionId): boolean {
  // A built id is plain exactly when it has no variant mark (the schedulers ask this at every choice).
  return text.indexOf('!') < 0 && text.indexOf('~') < 0;
}
