// Builds Starlight's explicit sidebar from content/: chapters by `order`, then the reference pages.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Pages that are not chapters, in the order they follow the chapters. */
export const REFERENCE_PAGES = ['reference', 'glossary', 'playground'];

/**
 * Reads the `order` and `unlisted` fields from a page's frontmatter. The config runs before the
 * content collection exists, so this is a deliberately small reader; the collection schema is
 * what validates the frontmatter properly (a page with no usable order sorts last here and then
 * fails the build there, with the file and field named).
 */
export function readSidebarFields(source) {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source);
  const front = match ? match[1] : '';
  const order = /^order:\s*(-?\d+(?:\.\d+)?)\s*$/m.exec(front);
  const unlisted = /^unlisted:\s*true\s*$/m.test(front);
  return { order: order ? Number(order[1]) : Number.POSITIVE_INFINITY, unlisted };
}

/** Lists chapters (content/<slug>.md(x) other than the landing and reference pages) by order, then slug. */
export function listChapters(contentDir) {
  const chapters = [];
  for (const file of readdirSync(contentDir)) {
    const m = /^([^_.][^/]*)\.mdx?$/.exec(file);
    if (!m) continue;
    const slug = m[1];
    if (slug === 'index' || slug === '404' || REFERENCE_PAGES.includes(slug)) continue;
    const { order, unlisted } = readSidebarFields(readFileSync(join(contentDir, file), 'utf8'));
    if (!unlisted) chapters.push({ slug, order });
  }
  return chapters.sort((a, b) => a.order - b.order || a.slug.localeCompare(b.slug)).map((c) => c.slug);
}

/** The sidebar: a "Chapters" group, then Reference, Glossary and Playground as top-level links. */
export function buildSidebar(contentDir) {
  const present = new Set(readdirSync(contentDir).map((f) => f.replace(/\.mdx?$/, '')));
  return [
    { label: 'Chapters', items: listChapters(contentDir).map((slug) => ({ slug })) },
    ...REFERENCE_PAGES.filter((slug) => present.has(slug)).map((slug) => ({ slug })),
  ];
}
