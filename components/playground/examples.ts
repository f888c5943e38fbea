// Build-time access to content/examples: each example's source text and its module, by name.
import type { Program, ProgramOptions, Expected } from '../../sim/types.ts';

const sources = import.meta.glob<string>('../../content/examples/*.ts', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const cSources = import.meta.glob<string>('../../content/examples/*.c', {
  query: '?raw',
  import: 'default',
  eager: true,
});
const modules = import.meta.glob<Record<string, unknown>>('../../content/examples/*.ts');

const key = (name: string) => `../../content/examples/${name}.ts`;

/** Every example name that exists. */
export function exampleNames(): string[] {
  return Object.keys(sources)
    .map((k) => k.replace(/^.*\/(.*)\.ts$/, '$1'))
    .sort();
}

/** The file's text, exactly as readers see it. Throws a message naming the file when it is missing. */
export function exampleSource(name: string): string {
  const s = sources[key(name)];
  if (s === undefined)
    throw new Error(`content/examples/${name}.ts does not exist (used by a Playground or BugPicture)`);
  return s;
}

/** The example's C twin (content/examples/NAME.c) as readers see it, or undefined when it has none. */
export function exampleCSource(name: string): string | undefined {
  return cSources[`../../content/examples/${name}.c`];
}

/** Load the example as a Program the simulator runs (at build time, in Node). */
export async function exampleProgram(name: string): Promise<Program> {
  const load = modules[key(name)];
  if (!load) throw new Error(`content/examples/${name}.ts does not exist`);
  const mod = await load();
  const main = mod.default;
  if (typeof main !== 'function')
    throw new Error(`content/examples/${name}.ts has no default export (the main thread)`);
  return {
    main: main as Program['main'],
    options: (mod.options as ProgramOptions | undefined) ?? {},
    expected: mod.expected as Expected | undefined,
    name,
  };
}
