// The strace-style log as lines tied to steps, so the view can highlight the line of the current step.
import type { TraceEvent } from '../../sim/events.ts';
import type { LogLine } from './protocol.ts';
import { describeEvent } from '../timeline-svg.ts';

type Renderer = (trace: TraceEvent[]) => string | string[];

/**
 * Render each step's events with the simulator's strace renderer when it has one (so the log reads
 * like the seed's), falling back to one plain line per event.
 */
export function logLines(trace: readonly TraceEvent[], sim: Record<string, unknown>): LogLine[] {
  const render = sim.renderStrace as Renderer | undefined;
  const out: LogLine[] = [];
  if (render) {
    // Render step by step: the renderer's output for one step's events belongs to that step.
    let i = 0;
    while (i < trace.length) {
      const step = trace[i]!.step;
      let j = i;
      while (j < trace.length && trace[j]!.step === step) j++;
      let text: string | string[];
      try {
        text = render(trace.slice(i, j) as TraceEvent[]);
      } catch {
        text = trace.slice(i, j).map(fallbackLine);
      }
      const lines = Array.isArray(text) ? text : text.split('\n');
      for (const l of lines) if (l.trim()) out.push({ step, text: l });
      i = j;
    }
    return out;
  }
  return trace.map((e) => ({ step: e.step, text: fallbackLine(e) }));
}

function fallbackLine(e: TraceEvent): string {
  return `[pid ${e.tid}] ${describeEvent(e)}`;
}
