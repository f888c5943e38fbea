// Fails loudly when a script runs on a Node older than the site's toolchain needs.
// The pinned `node` package puts Node 24 in node_modules/.bin; after `npm ci --ignore-scripts`
// its install step is skipped and npm silently falls back to the system Node.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `\nFork Lore needs Node >= 22.12, but this script runs on Node ${process.versions.node}.\n` +
      `The pinned 'node' package provides it: run 'npm ci' (without --ignore-scripts),\n` +
      `or 'npm rebuild node', so that node_modules/.bin/node is Node 24.\n`,
  );
  process.exit(1);
}
