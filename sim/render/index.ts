// Rendering for views and tools: strace-style logs and explanations in words.
export { renderStrace, straceLine } from './strace.ts';
export { explain } from './explain.ts';
