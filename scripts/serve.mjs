// `npm start`: serves the built site (dist/) locally under BASE_PATH and prints its URL.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const root = fileURLToPath(new URL('../dist/', import.meta.url));
if (!existsSync(root)) {
  console.error('dist/ does not exist yet: run `npm run build` first (or `npm start`, which builds).');
  process.exit(1);
}
const port = Number(process.env.PORT ?? 4321);
const host = process.env.HOST ?? '127.0.0.1';
const site = await startStaticServer({ root, base: process.env.BASE_PATH, host, port });
console.log(`Fork Lore is served at ${site.url}  (Ctrl+C stops it)`);
const stop = () => void site.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
