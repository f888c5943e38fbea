// The result of loading a program file, shared by the TypeScript and C front ends.
export type { LoadError, LoadResult } from '../load-node.ts';
