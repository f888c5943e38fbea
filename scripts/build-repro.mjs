// Before `astro build` (and `astro dev`): the "Reproduce on Linux" files the chapters offer, written into
// public/repro/ (not in git) so that the site serves them as /repro/NAME-repro.c. Each chapter names
// its example with <ReproduceDownload example="NAME" /> (components/ReproduceDownload.astro); this
// runs `forklore reproduce content/examples/NAME.c` on it, the command's own generator (sim/reproduce),
// which writes the counterexample the check finds as a self-contained C file (gcc -pthread alone).
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONTENT = join(ROOT, 'content');
export const REPRO_DIR = join(ROOT, 'public', 'repro');

/** The examples the chapters offer as a download, in page order. */
export function downloads() {
  const names = [];
  for (const f of readdirSync(CONTENT)
    .filter((x) => x.endsWith('.mdx'))
    .sort()) {
    for (const m of readFileSync(join(CONTENT, f), 'utf8').matchAll(/<ReproduceDownload\s+example="([a-z0-9-]+)"/g))
      if (!names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

export async function buildRepro() {
  const { cliIsFresh, buildCli, BUILD_DIR } = await import('./build-cli.mjs');
  if (!cliIsFresh()) await buildCli();
  const cli = await import(pathToFileURL(join(BUILD_DIR, 'forklore.mjs')).href);
  rmSync(REPRO_DIR, { recursive: true, force: true });
  mkdirSync(REPRO_DIR, { recursive: true });
  // Each in its own worker, all at once.
  await Promise.all(
    downloads().map(async (name) => {
      const err = [];
      const status = await cli.main(
        ['reproduce', join(CONTENT, 'examples', `${name}.c`), '-o', join(REPRO_DIR, `${name}-repro.c`)],
        { out: () => {}, err: (t) => err.push(t) },
      );
      if (status !== 0) throw new Error(`forklore reproduce content/examples/${name}.c: ${err.join('\n')}`);
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await buildRepro();
  } catch (e) {
    console.error(`forklore: could not write the chapters' reproducers: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
