// The glossary's entries, read from content/glossary.mdx, for the definition a term link shows when
// the reader points at it or focuses it (components/Term.astro). An entry is a `## term` heading and
// its paragraphs; the popover shows the first paragraph as inline HTML: code spans stay code, links
// become their text (a popover holds nothing to click), and a closing "See chapter N." is left out,
// since the term's link itself goes to the glossary.

export interface GlossaryEntry {
  /** The heading as written, e.g. "atfork handler". */
  term: string;
  /** The first paragraph as inline HTML, escaped. */
  summary: string;
}

/**
 * The id Starlight gives a heading (github-slugger's rule for these headings: lower case, spaces to
 * hyphens, punctuation other than `-` and `_` dropped).
 */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Markdown of one paragraph to inline HTML: `code` spans, and links as their text (the glossary uses no emphasis). */
export function inlineHtml(markdown: string): string {
  const out: string[] = [];
  const parts = markdown.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').split(/(`[^`]*`)/);
  for (const part of parts) {
    if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) {
      out.push(`<code>${escapeHtml(part.slice(1, -1))}</code>`);
      continue;
    }
    out.push(escapeHtml(part));
  }
  return out.join('').replace(/\s+/g, ' ').trim();
}

/** A closing sentence that only points to chapters: "See [chapter 2](...) and [chapter 10](...)." */
const SEE_ALSO = /\s*See\s+\[[^\]]*\]\([^)]*\)(?:(?:,|\s+and|\s+or)\s+\[[^\]]*\]\([^)]*\))*\.\s*$/;

/** Every entry of the glossary's source, by heading id. */
export function glossaryEntries(source: string): Map<string, GlossaryEntry> {
  const body = source.replace(/^---\n[\s\S]*?\n---\n/, '');
  const entries = new Map<string, GlossaryEntry>();
  for (const section of body.split(/^## /m).slice(1)) {
    const newline = section.indexOf('\n');
    const term = section.slice(0, newline).trim();
    const first = section
      .slice(newline + 1)
      .trim()
      .split(/\n\s*\n/)[0];
    if (!first) continue;
    entries.set(headingSlug(term), { term, summary: inlineHtml(first.replace(SEE_ALSO, '')) });
  }
  return entries;
}
