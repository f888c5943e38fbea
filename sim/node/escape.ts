// What a terminal must never receive from a checked program: control characters (escape sequences
// that clear the screen, move the cursor, hide text), C1 controls, and the bidirectional overrides
// that reorder what is shown. Every string that came from a program is passed through here before it
// is printed as text; newlines in it are shown as \n, so a program cannot start a line of its own.
// eslint-disable-next-line no-control-regex -- the control characters are what it removes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\u001b': '\\e' };

export function escapeText(s: string): string {
  return s.replace(UNSAFE, (c) => NAMED[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Every string in a JSON value escaped (keys too). */
export function escapeDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeText(value) as T;
  if (Array.isArray(value)) return value.map(escapeDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[escapeText(k)] = escapeDeep(v);
    return out as T;
  }
  return value;
}

/** JSON text with the characters JSON.stringify leaves raw (C1 controls, bidi, U+2028/9) escaped too. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
