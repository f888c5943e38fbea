// The URL of a glossary entry under the site's base path, for Term and anything else that links to a term.

/** A glossary id is the slug of the term's heading in content/glossary.mdx, e.g. "async-signal-safe" or "_fork". */
export const GLOSSARY_ID = /^[a-z0-9_][a-z0-9_-]*$/;

/**
 * Joins the base path ('/', '/sub' or '/sub/', as import.meta.env.BASE_URL may give it) with the
 * glossary page and the term's anchor, without doubling or dropping a slash.
 */
export function glossaryHref(base: string, id: string): string {
  if (!GLOSSARY_ID.test(id)) {
    throw new Error(`<Term id="${id}">: a glossary id is a lower-case slug such as "async-signal-safe"`);
  }
  return `${base.replace(/\/+$/, '')}/glossary/#${id}`;
}
