// The result views: the verdict in words, the timeline, the state at a step, the strace-style log,
// and a step slider (keyboard: arrows, Home/End, PageUp/PageDown) that walks the trace both ways.
import type { Report, StuckThread, Verdict } from '../../sim/types.ts';
import type { TraceEvent } from '../../sim/events.ts';
import type { LogLine } from './protocol.ts';
import { timelineSvg, describeEvent, esc, PALETTE } from '../timeline-svg.ts';
import { stateAt } from './state-at.ts';
import { explainSchedule } from './explain-schedule.ts';

const VERDICT_WORDS: Record<Verdict, string> = {
  ok: 'No schedule goes wrong',
  deadlock: 'Deadlock',
  assertion: 'An assertion fails',
  'fd-leak': 'A file descriptor leaks',
  'unsafe-call': 'An unsafe call after fork',
  error: 'The program failed',
};

/** A verdict as the middle of a sentence ("Exhaustive: a file descriptor leaks."), never its code. */
export function verdictPhrase(v: Verdict): string {
  return VERDICT_WORDS[v].replace(/^[A-Z]/, (c) => c.toLowerCase());
}

const STOPPED_WORDS: Record<string, string> = {
  maxTime: 'at its time limit',
  maxExecutions: 'at its limit on executions',
  preemptionBound: 'at its bound on preemptions',
  maxSteps: 'at its limit on steps per run',
  cancelled: 'cancelled',
  sampling: 'it only sampled schedules',
};

/** The verdict as HTML: the words a screen reader announces first, then stuck threads and statistics. */
export function verdictHtml(report: Report, heading?: string): string {
  const f = report.findings[0];
  const s = report.stats;
  // A finding is proved by its schedule, however early the search stopped; only "no schedule goes
  // wrong" needs every schedule explored.
  const complete = report.completeness.complete
    ? 'every schedule was explored'
    : f
      ? 'the search stopped at this counterexample'
      : `the search stopped early (${STOPPED_WORDS[report.completeness.stoppedBy] ?? 'at a limit'}), so this is not a proof`;
  const parts: string[] = [];
  parts.push(
    `<p class="fl-pg-head">${heading ? `${esc(heading)}: ` : ''}${esc(VERDICT_WORDS[report.verdict])}${report.verdict === 'ok' ? (report.completeness.complete ? ' (checked every schedule).' : ' in the schedules explored.') : '.'}</p>`,
  );
  if (f) {
    // The stuck threads are listed below; keep the message's summary without repeating them.
    let message = f.message;
    for (const t of f.stuck ?? []) message = message.replace(t.sentence, '').trim();
    if (message) parts.push(`<p>${esc(message)}</p>`);
  }
  if (f?.stuck?.length) {
    parts.push(
      '<ul>' +
        f.stuck
          .map(
            (t) =>
              `<li>${esc(t.sentence)}${t.holderLeftBehindByFork ? ' <strong class="fl-pg-orphan">(left behind by fork)</strong>' : ''}</li>`,
          )
          .join('') +
        '</ul>',
    );
  }
  for (const other of report.findings.slice(1)) parts.push(`<p>Also: ${esc(other.message)}</p>`);
  if (report.strategy === 'random' || report.strategy === 'pct') {
    parts.push(
      `<p>${s.failedRuns ?? 0} of ${s.runs ?? s.executions} random schedules went wrong (${Math.round(s.elapsedMs)} ms).</p>`,
    );
  } else {
    parts.push(
      `<p>${s.executions} execution${s.executions === 1 ? '' : 's'} explored, ${endings(s.executions, s.distinctOutcomes)}, ${Math.round(s.elapsedMs)} ms; ${complete}.</p>`,
    );
  }
  // POSIX notes are not findings: one line, open for whoever wants them.
  if (report.notes.length)
    parts.push(
      `<details class="fl-pg-notes"><summary>${report.notes.length} note${report.notes.length === 1 ? '' : 's'} on what POSIX allows (not findings)</summary>${report.notes.map((n) => `<p class="fl-pg-noteline">${esc(n)}</p>`).join('')}</details>`,
    );
  return parts.join('');
}

/**
 * The explorer's "distinct outcomes" in words: executions end the same way when every process ends
 * alike (its exit status, or hung) with the same kinds of finding.
 */
function endings(executions: number, outcomes: number): string {
  if (outcomes <= 1) return executions === 1 ? 'one ending' : 'all ending the same way';
  return `ending in ${outcomes} different ways (how each process ended, and what went wrong)`;
}

export function verdictKind(v: Verdict): 'ok' | 'bad' {
  return v === 'ok' ? 'ok' : 'bad';
}

let views = 0;

/** A trace view with its own slider; returns a handle to move the cursor. */
export function traceView(
  host: HTMLElement,
  trace: TraceEvent[],
  log: LogLine[],
  opts: {
    stuck?: StuckThread[] | undefined;
    idPrefix: string;
    announce?: HTMLElement;
    caption?: string;
    schedule?: string | undefined;
    /** Narrate the schedule in numbered sentences ("Explain this schedule"). */
    explain?: boolean;
    /** Called with each step the cursor moves to (the code view highlights each thread's line). */
    onStep?: ((step: number) => void) | undefined;
  },
) {
  const last = trace.length ? trace[trace.length - 1]!.step : 0;
  // SVG ids (patterns, title) must be unique on the page: two views of one island are common.
  const idPrefix = `${opts.idPrefix}-${++views}`;
  host.innerHTML = `
    ${opts.caption ? `<p class="fl-pg-sub">${esc(opts.caption)}</p>` : ''}
    <div class="fl-pg-steps">
      <button type="button" data-step-prev aria-label="Previous step">◀</button>
      <label>Step <input type="range" min="0" max="${last}" value="${last}" data-step-range></label>
      <button type="button" data-step-next aria-label="Next step">▶</button>
      <button type="button" data-step-play aria-pressed="false">Play</button>
      <output data-step-out aria-live="off"></output>
    </div>
    <div class="fl-pg-timeline" data-timeline tabindex="0" role="group" aria-label="Timeline (scrolls sideways)"></div>
    ${LEGEND}
    ${opts.explain ? explainHtml(trace, opts.stuck) : ''}
    <p class="fl-pg-sub">State after this step</p>
    <div class="fl-pg-state" data-state></div>
    <p class="fl-pg-sub">Log${opts.schedule ? ` <small>(schedule <code>${esc(opts.schedule)}</code>)</small>` : ''}</p>
    <ol class="fl-pg-log" data-log tabindex="0" aria-label="strace-style log">${log.map((l, i) => `<li data-i="${i}" data-s="${l.step}">${esc(l.text)}</li>`).join('')}</ol>`;
  const range = host.querySelector<HTMLInputElement>('[data-step-range]')!;
  const out = host.querySelector<HTMLOutputElement>('[data-step-out]')!;
  const tl = host.querySelector<HTMLElement>('[data-timeline]')!;
  const st = host.querySelector<HTMLElement>('[data-state]')!;
  const logEl = host.querySelector<HTMLElement>('[data-log]')!;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const set = (step: number, announce: boolean) => {
    step = Math.max(0, Math.min(last, step));
    range.value = String(step);
    const evs = trace.filter((e) => e.step === step);
    const words = evs.length ? evs.map(describeEvent).join('; ') : 'nothing happens';
    out.textContent = `${step} of ${last}: ${words}`;
    range.setAttribute('aria-valuetext', `step ${step} of ${last}: ${words}`);
    tl.innerHTML = timelineSvg(trace, { stuck: step === last ? opts.stuck : undefined, step, idPrefix });
    st.innerHTML = stateHtml(trace, step, step === last ? opts.stuck : undefined);
    // Keep the cursor in view: the timeline is wider than its box, and the deadlock is at its end.
    const cursorX = Number(tl.querySelector('.fl-cursor')?.getAttribute('data-x') ?? 0);
    requestAnimationFrame(() => {
      if (tl.scrollWidth <= tl.clientWidth) return;
      const left = tl.scrollLeft;
      if (cursorX < left + 200 || cursorX > left + tl.clientWidth - 140)
        tl.scrollLeft = Math.max(0, cursorX - tl.clientWidth * 0.6);
    });
    for (const li of host.querySelectorAll<HTMLElement>('[data-explain] li')) {
      if (Number(li.dataset.s) === step) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
    opts.onStep?.(step);
    // The current line is the last one at or before this step: a step without a system call (an
    // uncontended lock) leaves the cursor on the call before it, as strace would.
    let current: HTMLElement | null = null;
    for (const li of logEl.children as HTMLCollectionOf<HTMLElement>) {
      const s = Number(li.dataset.s);
      li.classList.toggle('fl-future', s > step);
      li.removeAttribute('aria-current');
      if (s <= step) current = li;
    }
    current?.setAttribute('aria-current', 'step');
    // Scroll the log (not the page) to the current line after layout, never forcing one here.
    if (current) {
      const line = current;
      requestAnimationFrame(() => {
        const top = line.offsetTop - logEl.offsetTop;
        if (top < logEl.scrollTop || top > logEl.scrollTop + logEl.clientHeight - 20)
          logEl.scrollTop = Math.max(0, top - 40);
      });
    }
    // One voice per step: the focused slider speaks its own aria-valuetext, so the page's live
    // region speaks only for the other ways of moving (◀ ▶, Play, a click on the timeline).
    if (announce && opts.announce && document.activeElement !== range) {
      if (timer) clearTimeout(timer);
      const a = opts.announce;
      timer = setTimeout(() => (a.textContent = `Step ${step} of ${last}: ${words}`), 250);
    }
  };
  range.addEventListener('input', () => set(Number(range.value), true));
  // Clicking an event on the timeline moves the cursor to its step (the slider stays the keyboard way).
  tl.addEventListener('click', (e) => {
    const dot = (e.target as Element).closest('[data-step]');
    if (dot) set(Number(dot.getAttribute('data-step')), true);
  });
  host.querySelector('[data-step-prev]')!.addEventListener('click', () => set(Number(range.value) - 1, true));
  host.querySelector('[data-step-next]')!.addEventListener('click', () => set(Number(range.value) + 1, true));
  host.querySelector('[data-explain]')?.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLElement>('[data-goto]');
    if (b) set(Number(b.dataset.goto), true);
  });
  // Play animates the counterexample from the first step (or from where the cursor is) to the end.
  const play = host.querySelector<HTMLButtonElement>('[data-step-play]')!;
  let playing: ReturnType<typeof setInterval> | null = null;
  const stop = () => {
    if (playing) clearInterval(playing);
    playing = null;
    play.textContent = 'Play';
    play.setAttribute('aria-pressed', 'false');
  };
  play.addEventListener('click', () => {
    if (playing) return stop();
    if (Number(range.value) >= last) set(0, false);
    play.textContent = 'Pause';
    play.setAttribute('aria-pressed', 'true');
    playing = setInterval(() => {
      if (!host.isConnected) return stop();
      const next = Number(range.value) + 1;
      set(next, next >= last);
      if (next >= last) stop();
    }, 600);
  });
  range.addEventListener('input', stop);
  set(last, false);
  return { set: (s: number) => set(s, true), last };
}

/** What the marks of the timeline mean, in one line. */
const swatch = (body: string) =>
  `<svg width="18" height="12" viewBox="0 0 18 12" aria-hidden="true" focusable="false">${body}</svg>`;
const LEGEND = `<p class="fl-pg-legend-marks" data-legend>${[
  [swatch(`<rect x="1" y="3" width="16" height="6" rx="2" fill="${PALETTE.held}"/>`), 'holds a lock'],
  [
    swatch(
      `<rect x="1" y="1" width="16" height="10" fill="${PALETTE.blocked}" fill-opacity="0.45" stroke="${PALETTE.blockedStroke}"/>`,
    ),
    'waits',
  ],
  [
    swatch(
      `<rect x="1" y="1" width="16" height="10" fill="${PALETTE.orphan}" fill-opacity="0.25" stroke="${PALETTE.orphan}" stroke-dasharray="4 2"/>`,
    ),
    'lock left behind by fork (owner gone)',
  ],
  [swatch(`<circle cx="9" cy="6" r="5" fill="${PALETTE.fork}"/>`), 'fork'],
  [
    swatch(
      `<rect x="3" y="0" width="12" height="12" fill="${PALETTE.mark}"/><text x="9" y="10" text-anchor="middle" font-size="10" font-weight="700" fill="#000">!</text>`,
    ),
    'finding',
  ],
  [swatch(`<path d="M4 1 L14 11 M14 1 L4 11" stroke="${PALETTE.orphan}" stroke-width="2.5"/>`), 'stuck forever'],
  [swatch(`<line x1="9" y1="0" x2="9" y2="12" stroke="${PALETTE.cursor}" stroke-width="2"/>`), 'this step'],
]
  .map(([svg, words]) => `<span>${svg} ${words}</span>`)
  .join(' ')}</p>`;

/** "Explain this schedule": a numbered sentence per decisive step, each a way to that step. */
function explainHtml(trace: TraceEvent[], stuck?: StuckThread[]): string {
  const sentences = explainSchedule(trace, stuck);
  if (!sentences.length) return '';
  return `<details class="fl-pg-explain"><summary>Explain this schedule</summary><ol data-explain>${sentences
    .map(
      (x) =>
        `<li data-s="${x.step}"><button type="button" class="fl-pg-goto" data-goto="${x.step}">step ${x.step}</button> ${esc(x.text)}</li>`,
    )
    .join('')}</ol></details>`;
}

function stateHtml(trace: TraceEvent[], step: number, stuck?: StuckThread[]): string {
  const w = stateAt(trace, step);
  const rows = (xs: string[]) => xs.join('') || '<tr><td colspan="3">none</td></tr>';
  // At the end of a deadlock the finding knows what every stuck thread waits for (pthread_join too).
  const doing = (t: (typeof w.threads)[number]) => {
    const s = stuck?.find((x) => x.tid === t.tid);
    if (s) return `stuck: ${s.sentence}`;
    return t.status === 'blocked' ? `waits for ${t.waits ?? '?'}` : t.status;
  };
  const threads = rows(w.threads.map((t) => `<tr><td>${t.tid}</td><td>${t.pid}</td><td>${esc(doing(t))}</td></tr>`));
  const locks = rows(
    w.locks.map(
      (l) =>
        `<tr${l.orphan ? ' class="fl-pg-orphan"' : ''}><td>${esc(l.name)}</td><td>${l.pid}</td><td>${l.owner}${l.orphan ? ' — not in this process (left behind by fork)' : ''}</td></tr>`,
    ),
  );
  const fds = rows(
    w.procs.map(
      (p) =>
        `<tr><td>${p.pid}</td><td>${
          [...p.fds.entries()]
            .filter(([fd]) => fd > 2)
            .map(([fd, what]) => `${fd}: ${esc(what)}`)
            .join(', ') || '0, 1, 2'
        }</td><td>${p.exited === undefined ? 'running' : `exited ${p.exited}`}</td></tr>`,
    ),
  );
  return `
    <table><caption>Threads</caption><thead><tr><th scope="col">tid</th><th scope="col">pid</th><th scope="col">doing</th></tr></thead><tbody>${threads}</tbody></table>
    <table><caption>Locks held</caption><thead><tr><th scope="col">lock</th><th scope="col">in pid</th><th scope="col">owner</th></tr></thead><tbody>${locks}</tbody></table>
    <table><caption>Processes and descriptors${w.time > 0 ? ` (virtual time ${(w.time / 1e9).toFixed(3)} s)` : ''}</caption><thead><tr><th scope="col">pid</th><th scope="col">fds</th><th scope="col">state</th></tr></thead><tbody>${fds}</tbody></table>`;
}

/** Why a thread that is not offered as a choice cannot run now, from the state after the last step. */
export function whyNot(
  trace: TraceEvent[],
  enabledTids: Set<number>,
  live: { tid: number; pid: number; state: string; next: string | null }[] = [],
): string[] {
  const last = trace.length ? trace[trace.length - 1]!.step : 0;
  const w = stateAt(trace, last);
  const fromWorld = live
    .filter((t) => !enabledTids.has(t.tid))
    .map((t) => {
      const mine = w.threads.find((x) => x.tid === t.tid);
      if (mine?.status === 'blocked') return null;
      return `Thread ${t.tid} (process ${t.pid}) cannot run: it is ${t.state}${t.next ? `, waiting to ${t.next}` : ''}.`;
    })
    .filter((x): x is string => x !== null);
  return fromWorld.concat(
    w.threads
      .filter((t) => t.status === 'blocked' && !enabledTids.has(t.tid))
      .map((t) => {
        if (t.status === 'blocked') {
          const lock = w.locks.find((l) => l.pid === t.pid && t.waits?.includes(l.name));
          const who = lock
            ? `, held by thread ${lock.owner}${lock.orphan ? ', which does not exist in this process: only a lock reset could free it' : ''}`
            : '';
          return `Thread ${t.tid} (process ${t.pid}) cannot run: it waits for ${t.waits}${who}.`;
        }
        return `Thread ${t.tid} (process ${t.pid}) cannot run now.`;
      }),
  );
}
