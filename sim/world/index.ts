// The world's public face: createRun and the snapshot type.
export { createRun, type RunOptions } from './world.ts';
export type { WorldSnapshot } from '../types.ts';
