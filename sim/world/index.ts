// The world's public face: createRun and the snapshot type.
export { createRun, type RunOptions, type WorldSnapshot } from './run.ts';
