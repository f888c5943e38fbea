// Share links: the programs of a Playground (and optionally a schedule) compressed into the URL hash.
// A link is untrusted input: its length, what it inflates to and the steps its schedule asks for are
// bounded before anything is decoded in full, and a link over a bound is refused with a reason.
import { deflateSync, Inflate, strToU8, strFromU8 } from 'fflate';
import { LIMITS, scheduleSteps } from './limits.ts';

export interface SharePayload {
  /** The Playground's id on its page. */
  id: string;
  codes: string[];
  schedule?: string | undefined;
  /** The language the codes are in: 'c' for a Playground's C twins; absent for TypeScript. */
  lang?: 'c' | 'ts' | undefined;
}

/** A link read: its payload (with a warning when a part of it was dropped), or why it was refused. */
export type ShareRead = { payload: SharePayload; warning?: string } | { refused: string };

export const SHARE_PREFIX = '#pg=';

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): Uint8Array {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

class TooLarge extends Error {}

/**
 * Inflate at most `max` bytes. The input goes in small pieces, so that no piece can inflate to much
 * more than a megabyte (deflate expands at most about 1,032 to 1) before the bound is checked.
 */
function inflateBounded(data: Uint8Array, max: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > max) throw new TooLarge();
    chunks.push(chunk);
    if (final) ended = true;
  });
  const PIECE = 1024;
  for (let i = 0; i < data.length; i += PIECE) inflater.push(data.subarray(i, i + PIECE), i + PIECE >= data.length);
  if (!ended) throw new Error('truncated');
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The hash part of a share link. */
export function encodeShare(p: SharePayload): string {
  const json = JSON.stringify({
    v: 1,
    i: p.id,
    c: p.codes,
    ...(p.schedule ? { s: p.schedule } : {}),
    ...(p.lang === 'c' ? { l: 'c' } : {}),
  });
  return SHARE_PREFIX + toBase64Url(deflateSync(strToU8(json), { level: 9 }));
}

/** Read a share link's hash (pass `location.hash`): null when it holds none or is damaged. */
export function readShare(hash: string): ShareRead | null {
  if (!hash.startsWith(SHARE_PREFIX)) return null;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  if (hash.length > LIMITS.shareHashChars)
    return {
      refused: `This shared link is too long (${mb(hash.length)}; the Playground reads links up to ${mb(LIMITS.shareHashChars)}), so its code was not loaded.`,
    };
  let v: unknown;
  try {
    v = JSON.parse(
      strFromU8(inflateBounded(fromBase64Url(hash.slice(SHARE_PREFIX.length)), LIMITS.shareInflatedChars)),
    );
  } catch (e) {
    if (e instanceof TooLarge)
      return {
        refused: `This shared link's code is larger than the Playground accepts (over ${mb(LIMITS.shareInflatedChars)}), so it was not loaded.`,
      };
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { v: version, i, c, s, l } = v as { v?: unknown; i?: unknown; c?: unknown; s?: unknown; l?: unknown };
  const lang = l === 'c' ? { lang: 'c' as const } : {};
  if (
    version !== 1 ||
    typeof i !== 'string' ||
    !Array.isArray(c) ||
    !c.every((x): x is string => typeof x === 'string')
  )
    return null;
  if (typeof s === 'string' && scheduleSteps(s) > LIMITS.scheduleSteps) {
    return {
      payload: { id: i, codes: c, ...lang },
      warning: `Its schedule asks for more than ${LIMITS.scheduleSteps} steps, so it was left out.`,
    };
  }
  return { payload: { id: i, codes: c, ...(typeof s === 'string' ? { schedule: s } : {}), ...lang } };
}

/** The payload of a share link's hash; null when it holds none, is damaged or is refused. */
export function decodeShare(hash: string): SharePayload | null {
  const r = readShare(hash);
  return r && 'payload' in r ? r.payload : null;
}
