#!/usr/bin/env node
// The forklore command. It starts the CLI built once into build/cli/ (by `npm ci` through the prepare
// script, or `npm run build:cli`); only when a source file is newer than that build, or there is
// none, does it build it first (and says so on stderr). Needs Node 22.12 or later: ./forklore, npx
// and npm run use the project's pinned Node 24.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `\nFork Lore needs Node >= 22.12, but forklore runs on Node ${process.versions.node}.\n` +
      `The pinned 'node' package provides it: run 'npm ci' (without --ignore-scripts),\n` +
      `or 'npm rebuild node', then './forklore ...' (or 'npx forklore ...') so that node_modules/.bin/node\n` +
      `(Node 24) runs it.\n`,
  );
  process.exit(2);
}

// V8's compiled code for the command's modules is kept in build/cli/.cache (Node's module compile
// cache, checked against each file's contents): for this thread, and through NODE_COMPILE_CACHE for
// the worker threads the command starts. A cache that cannot be written is simply not used.
const { enableCompileCache } = await import('node:module');
const { fileURLToPath } = await import('node:url');
if (!process.env.NODE_COMPILE_CACHE && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  process.env.NODE_COMPILE_CACHE = fileURLToPath(new URL('../build/cli/.cache/', import.meta.url));
}
enableCompileCache?.(process.env.NODE_COMPILE_CACHE);

const { cliIsFresh, buildCli, BUILD_DIR } = await import('../scripts/build-cli.mjs');
if (!cliIsFresh()) {
  process.stderr.write(
    'forklore: building the command line tool into build/cli/ (once, until a source file changes)\n',
  );
  try {
    await buildCli();
  } catch (e) {
    console.error(`forklore: could not build the command line tool: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  }
}
const { pathToFileURL } = await import('node:url');
const { join } = await import('node:path');
const cli = await import(pathToFileURL(join(BUILD_DIR, 'forklore.mjs')).href);

const status = await cli.main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
});
process.exitCode = status;
