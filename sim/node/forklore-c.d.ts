// 'forklore:c' is resolved by scripts/build-cli.mjs: sim/c/index.ts when it exists, else sim/node/no-c.ts.
declare module 'forklore:c' {
  type Include = (name: string, from: string) => string | { error: string };
  export function compileC(
    source: string,
    file: string,
    parse?: undefined,
    opts?: { include?: Include },
  ): Promise<import('./load-types.ts').LoadResult>;
  /** Parses C text with tree-sitter (the first call starts its WebAssembly). */
  export function parseC(text: string): Promise<unknown>;
  /** Reads `#include "FILE"` from the including file's directory, and nowhere else. */
  export function includeBeside(file: string): Include;
}
