// Rendering for views and tools: strace-style logs, explanations in words, the state after a step.
export { renderStrace, straceLine } from './strace.ts';
export { explain } from './explain.ts';
export { stateAt, type StateAfter, type ProcessState, type ThreadState, type LockState } from './state.ts';
