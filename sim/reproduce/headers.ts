// The replay headers for Node (the CLI's worker, the tests): read from include/, two folders up from
// this file and from the built build/cli/worker.mjs alike. The page's download gets the same text at
// build time (components/playground/reproduce-button.ts).
import { readdirSync, readFileSync } from 'node:fs';
import type { ReplayHeaders } from './index.ts';

export function readReplayHeaders(): ReplayHeaders {
  const at = (name: string) => readFileSync(new URL(`../../include/${name}`, import.meta.url), 'utf8');
  const support = Object.fromEntries(
    readdirSync(new URL('../../include/support/', import.meta.url)).map((f) => [f, at(`support/${f}`)]),
  );
  return { replay: at('forklore-replay.h'), plash: at('forklore.h'), support };
}
