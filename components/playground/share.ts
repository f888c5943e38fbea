// Share links: the programs of a Playground (and optionally a schedule) compressed into the URL hash.
import { deflateSync, inflateSync, strToU8, strFromU8 } from 'fflate';

export interface SharePayload {
  /** The Playground's id on its page. */
  id: string;
  codes: string[];
  schedule?: string;
}

const PREFIX = '#pg=';

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

/** The hash part of a share link. */
export function encodeShare(p: SharePayload): string {
  const json = JSON.stringify({ v: 1, i: p.id, c: p.codes, ...(p.schedule ? { s: p.schedule } : {}) });
  return PREFIX + toBase64Url(deflateSync(strToU8(json), { level: 9 }));
}

/** Read a share link's hash (pass `location.hash`); null when it holds none or is damaged. */
export function decodeShare(hash: string): SharePayload | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const v = JSON.parse(strFromU8(inflateSync(fromBase64Url(hash.slice(PREFIX.length))))) as { v: number; i: string; c: string[]; s?: string };
    if (v.v !== 1 || typeof v.i !== 'string' || !Array.isArray(v.c) || !v.c.every((c) => typeof c === 'string')) return null;
    return { id: v.i, codes: v.c, schedule: typeof v.s === 'string' ? v.s : undefined };
  } catch {
    return null;
  }
}
