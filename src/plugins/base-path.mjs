// Normalises the deploy base path and prefixes root-relative URLs with it.

/** Turns BASE_PATH ('', 'forklore', '/forklore', '/forklore/') into '/' or '/forklore/'. */
export function normaliseBase(raw) {
  const trimmed = (raw ?? '').trim().replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/**
 * Adds the base to a root-relative URL ('/the-bug/' → '/forklore/the-bug/'). Protocol-relative
 * ('//host'), absolute, relative and fragment URLs are left alone, and so is a URL that already
 * starts with the base, so that running the plugin twice is harmless.
 */
export function withBase(url, base) {
  if (typeof url !== 'string' || !url.startsWith('/') || url.startsWith('//')) return url;
  if (base === '/' || url === base.slice(0, -1) || url.startsWith(base)) return url;
  return base + url.slice(1);
}
