// Inline page script: gives each scrollable code block that Expressive Code marks role="region" a unique name.
// Expressive Code makes an overflowing <pre> focusable with role="region" but no label, so a page
// with two of them has identical unnamed landmarks (axe: landmark-unique). The name is the block's
// title when it has one, else its position among the page's code blocks.
(() => {
  const label = (pre) => {
    if (pre.getAttribute('role') !== 'region' || pre.hasAttribute('aria-label')) return;
    const block = pre.closest('.expressive-code');
    const title = block?.querySelector('figcaption .title')?.textContent?.trim();
    const index = [...document.querySelectorAll('.expressive-code pre')].indexOf(pre) + 1;
    pre.setAttribute('aria-label', title ? `Code: ${title} (${index})` : `Code example ${index}`);
  };
  new MutationObserver((records) => {
    for (const record of records) if (record.target instanceof HTMLPreElement) label(record.target);
  }).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['role'] });
})();
