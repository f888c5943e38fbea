// Rendering for views and tools: strace-style logs, explanations in words, schedule strings.
export { renderStrace, straceLine } from './strace.ts';
export { explain } from './explain.ts';
export { encodeSchedule, decodeSchedule } from './schedule.ts';
