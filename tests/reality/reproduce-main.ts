// The command behind tests/reality/reproduce.mjs: write the forced replay of a C example.
//   node tests/reality/reproduce.mjs content/examples/NAME.c [--schedule S] [-o repro.c]
// Until the C front end reads NAME.c itself, the model is the TypeScript twin NAME.ts (the same
// program, as the reality test checks); the schedule is the simulator's first deadlock unless given.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { explore } from '../../sim/explore/index.ts';
import { loadExample } from './lib.ts';
import { reproduce } from './reproduce.ts';

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: node tests/reality/reproduce.mjs content/examples/NAME.c [--schedule S] [-o repro.c]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
let file: string | undefined;
let schedule: string | undefined;
let out: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--schedule') schedule = args[++i] ?? usage('--schedule needs a schedule string');
  else if (a === '-o') out = args[++i] ?? usage('-o needs a file name');
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (file) usage('one C file at a time');
  else file = a;
}
if (!file) usage('no C file');
if (!file.endsWith('.c') || !existsSync(file)) usage(`${file}: not a C file`);
const name = basename(file, '.c');
const twin = join(dirname(resolve(file)), `${name}.ts`);
if (!existsSync(twin)) usage(`${file}: the model is read from its TypeScript twin ${name}.ts, which does not exist`);
const program = await loadExample(name, dirname(twin));
if (!schedule) {
  const report = explore(program, { maxTimeMs: 60_000 });
  const deadlock = report.findings.find((f) => f.kind === 'deadlock');
  if (!deadlock) usage(`${name}: the simulator finds no deadlock (verdict ${report.verdict}): nothing to reproduce`);
  schedule = deadlock.schedule;
}
let rep;
try {
  rep = reproduce(program, schedule, readFileSync(file, 'utf8'), relative(process.cwd(), resolve(file)).replace(/\.c$/, ''));
} catch (e) {
  usage(`${name}: ${(e as Error).message}`);
}
if (out) writeFileSync(out, rep.source);
else process.stdout.write(rep.source + '\n');
process.stderr.write(`forced replay of ${schedule}${rep.schedule !== schedule ? ` (reordered: ${rep.schedule})` : ''}\n`);
for (const n of rep.notForceable) process.stderr.write(`not forced: ${n}\n`);
if (out) process.stderr.write(`gcc -std=gnu11 -Wall -Wextra -Werror -pthread -I include -o repro ${out} && timeout 10 ./repro; echo $?\n`);
