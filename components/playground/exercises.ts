// Build time: every exercise of the guide in reading order (the chapters' `order`), with the page it
// is on and the anchor of its Playground, for the progress overview and each exercise's "next" link.
import { getCollection } from 'astro:content';

export interface ExerciseEntry {
  /** The broken program's example name; the Playground's id is `exercise:NAME`. */
  example: string;
  /** The page's title, and its path under the site's base ('the-bug/'). */
  title: string;
  path: string;
  /** The element id of the exercise's Playground on that page. */
  anchor: string;
}

/** The id attribute of an exercise's Playground. */
export const exerciseAnchor = (example: string): string => `exercise-${example}`;

let cached: Promise<ExerciseEntry[]> | null = null;

export function exerciseList(): Promise<ExerciseEntry[]> {
  cached ??= getCollection('docs').then((pages) =>
    pages
      .slice()
      .sort((a, b) => a.data.order - b.data.order)
      .flatMap((page) =>
        [...(page.body ?? '').matchAll(/<Exercise\b[^>]*?\bexample="([^"]+)"/g)].map((m) => ({
          example: m[1]!,
          title: page.data.title,
          path: `${page.id}/`,
          anchor: exerciseAnchor(m[1]!),
        })),
      ),
  );
  return cached;
}
