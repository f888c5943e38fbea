// The strace-style log as lines tied to steps, so the view can highlight the line of the current step.
import type { TraceEvent } from '../../sim/events.ts';
import { renderStrace } from '../../sim/render/strace.ts';
import type { LogLine } from './protocol.ts';

/** Render each step's events with the simulator's strace renderer: its lines for a step belong to that step. */
export function logLines(trace: readonly TraceEvent[]): LogLine[] {
  const out: LogLine[] = [];
  let i = 0;
  while (i < trace.length) {
    const step = trace[i]!.step;
    let j = i;
    while (j < trace.length && trace[j]!.step === step) j++;
    for (const l of renderStrace(trace.slice(i, j)).split('\n')) if (l.trim()) out.push({ step, text: l });
    i = j;
  }
  return out;
}
