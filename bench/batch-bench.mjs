// `npm run bench`, many files in one command (issue 13 item 7): `./forklore check` on the examples,
// one command for them all, --jobs 1 and the default. Prints files per second and what each file after
// the first costs. The tst-fork1 examples are left out: their searches (seconds each) would be the
// figure, not the command's per-file cost.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const files = readdirSync(join(ROOT, 'content', 'examples'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('tst-fork1'))
  .sort()
  .map((f) => join('content', 'examples', f));

const once = (args) => {
  const t = performance.now();
  const r = spawnSync(join(ROOT, 'forklore'), ['check', ...args], { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - t;
  const verdicts = r.stdout.split('\n').filter((l) => /^[\w-]+: [A-Z]/.test(l)).length;
  return { ms, verdicts };
};
const single = once([files[0]]);
console.log(`one file (${files[0]}): ${(single.ms / 1000).toFixed(2)} s`);
for (const jobs of ['1', undefined]) {
  const r = once([...files, ...(jobs ? ['--jobs', jobs] : [])]);
  const label = jobs ? `--jobs ${jobs}` : 'default --jobs';
  console.log(
    `${files.length} files, ${label}: ${(r.ms / 1000).toFixed(2)} s, ${((files.length * 1000) / r.ms).toFixed(1)} files/s, ` +
      `${((r.ms - single.ms) / (files.length - 1)).toFixed(0)} ms per file after the first` +
      (r.verdicts === files.length ? '' : `  (${r.verdicts} verdicts for ${files.length} files)`),
  );
}
