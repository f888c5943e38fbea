// Site configuration: Starlight shell, chapter-ordered sidebar, base path from BASE_PATH, 'forklore' alias.
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normaliseBase } from './src/plugins/base-path.mjs';
import { baseLinksIntegration } from './src/plugins/base-links.mjs';
import { buildSidebar } from './src/plugins/sidebar.mjs';

const base = normaliseBase(process.env.BASE_PATH);
const contentDir = fileURLToPath(new URL('./content/', import.meta.url));

/**
 * web-tree-sitter (emscripten) evaluates the JavaScript a side module may carry (EM_ASM/EM_JS) with a
 * direct `eval(func)`; a C grammar carries none, and an indirect eval evaluates such code as the global
 * code it is written as, so the bundler may rename the worker's names around it.
 */
const indirectEvalInTreeSitter = {
  name: 'forklore-indirect-eval-in-tree-sitter',
  transform(code, id) {
    if (!id.includes('web-tree-sitter') || !code.includes('eval(func)')) return null;
    return { code: code.replaceAll('= eval(func)', '= (0, eval)(func)'), map: null };
  },
};

export default defineConfig({
  // SITE is optional: it only feeds canonical URLs and the sitemap of a deployed copy.
  site: process.env.SITE || undefined,
  base,
  trailingSlash: 'always',
  build: { format: 'directory' },
  integrations: [
    starlight({
      title: 'Fork Lore',
      description:
        'Why fork() in a multi-threaded program can deadlock: a literate, interactive guide with a simulator and an exhaustive explorer.',
      favicon: '/favicon.svg',
      sidebar: buildSidebar(contentDir),
      lastUpdated: false,
      pagination: true,
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
      customCss: ['./src/styles/site.css'],
      components: {
        // Pagefind's UI built when the reader reaches for search, not on every page's load.
        Search: './components/starlight/Search.astro',
        // A menu with the chapters and the theme switch on phones, also on the splash landing page.
        Header: './components/starlight/Header.astro',
      },
      head: [
        {
          tag: 'script',
          content: readFileSync(new URL('./src/scripts/label-code-regions.js', import.meta.url), 'utf8'),
        },
      ],
    }),
    baseLinksIntegration(base),
  ],
  vite: {
    build: {
      rolldownOptions: {
        // @codemirror/legacy-modes' clike module defines two dozen languages by calling clike() at its
        // top level; the C editor uses one. Calls of it are pure, so the unused ones are left out.
        treeshake: { manualPureFunctions: ['clike'] },
        // MDX modules carry Astro's "use astro:head-inject" directive, which Astro itself handles;
        // the bundler's note that it "may not be preserved" comes once per page and hides real warnings.
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && String(warning.message).includes('astro:head-inject'))
            return;
          warn(warning);
        },
      },
    },
    worker: {
      // A direct eval anywhere in the worker's one IIFE keeps the minifier from renaming any binding of
      // the scopes around it, which is every name of the simulator.
      plugins: () => [indirectEvalInTreeSitter],
    },
    resolve: {
      alias: [
        {
          find: /^forklore$/,
          replacement: fileURLToPath(new URL('./sim/api/index.ts', import.meta.url)),
        },
      ],
    },
  },
});
