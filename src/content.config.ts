// The 'docs' collection: every page in content/, with Starlight's schema plus Fork Lore's fields.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { docsSchema } from '@astrojs/starlight/schema';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const examplesDir = fileURLToPath(new URL('../content/examples/', import.meta.url));

/** Names of files in content/examples/ without '.ts'; each must exist, or the build fails naming it. */
const exampleName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'an example name is a kebab-case file name in content/examples/ without ".ts"')
  .refine((name) => existsSync(`${examplesDir}${name}.ts`), {
    error: (issue) => `content/examples/${String(issue.input)}.ts does not exist`,
  });

export const collections = {
  docs: defineCollection({
    // Only Markdown and MDX are pages: content/examples/*.ts are programs, not pages.
    loader: glob({ base: './content', pattern: '**/*.{md,mdx}' }),
    schema: docsSchema({
      extend: z.object({
        /** Position in the sidebar and in previous/next links (chapters), ascending. */
        order: z.number(),
        /** One or two sentences: what the reader learns here. */
        summary: z.string().min(1),
        /** The example programs this page uses. */
        examples: z.array(exampleName).default([]),
        /** Keep the page out of the sidebar (it still builds and is reachable by URL). */
        unlisted: z.boolean().default(false),
      }),
    }),
  }),
};
