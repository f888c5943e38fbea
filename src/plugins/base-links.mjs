// Markdown plugin and integration: root-relative links written in content ([x](/the-bug/)) get the base path.
import { withBase } from './base-path.mjs';

const URL_ATTRIBUTES = new Set(['href', 'src']);

/**
 * A Sätteri mdast plugin (Astro's default Markdown processor) that prefixes root-relative URLs of
 * links, images, link definitions and literal href/src attributes of JSX elements in MDX.
 * @param {string} base normalised base path ('/' or '/sub/')
 */
export function baseLinksPlugin(base) {
  const rewriteUrl = (node, ctx) => {
    const url = withBase(node.url, base);
    if (url !== node.url) ctx.setProperty(node, 'url', url);
  };
  const rewriteAttributes = (node, ctx) => {
    let changed = false;
    const attributes = node.attributes.map((attr) => {
      if (attr.type !== 'mdxJsxAttribute' || !URL_ATTRIBUTES.has(attr.name) || typeof attr.value !== 'string')
        return attr;
      const value = withBase(attr.value, base);
      if (value === attr.value) return attr;
      changed = true;
      return { ...attr, value };
    });
    if (changed) ctx.setProperty(node, 'attributes', attributes);
  };
  return {
    name: 'forklore-base-links',
    link: rewriteUrl,
    image: rewriteUrl,
    definition: rewriteUrl,
    mdxJsxFlowElement: rewriteAttributes,
    mdxJsxTextElement: rewriteAttributes,
  };
}

/**
 * Registers the plugin on the configured Markdown processor, which MDX shares. Registering through
 * a hook (not `markdown.remarkPlugins`) keeps Astro's default processor, Sätteri.
 * @param {string} base normalised base path
 * @returns {import('astro').AstroIntegration}
 */
export function baseLinksIntegration(base) {
  return {
    name: 'forklore-base-links',
    hooks: {
      'astro:config:setup': ({ config }) => {
        if (base === '/') return;
        const processor = config.markdown?.processor;
        if (processor?.name === 'satteri' && Array.isArray(processor.options?.mdastPlugins)) {
          processor.options.mdastPlugins.push(baseLinksPlugin(base));
        } else {
          throw new Error(
            `forklore-base-links: unsupported Markdown processor "${processor?.name}"; root-relative links would miss the base path ${base}`,
          );
        }
      },
    },
  };
}
