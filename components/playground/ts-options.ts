// esbuild's transform options for a Playground's TypeScript program: one set for the build's
// unedited examples (pane-data.ts, Node esbuild) and the reader's edits (compile.ts, esbuild-wasm),
// so both compile alike and their line maps agree.
import type { TransformOptions } from 'esbuild';

export function tsTransformOptions(name: string): TransformOptions {
  return {
    loader: 'ts',
    format: 'cjs',
    sourcefile: `${name || 'program'}.ts`,
    target: 'es2022',
    sourcemap: 'external',
    sourcesContent: false,
  };
}
