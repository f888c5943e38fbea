// 'forklore:c' is resolved by scripts/build-cli.mjs: sim/c/index.ts when it exists, else sim/node/no-c.ts.
declare module 'forklore:c' {
  export function compileC(source: string, file: string): Promise<import('./load-types.ts').LoadResult>;
}
