// Draws a trace as an SVG timeline (a lane per thread, grouped by process): a pure function from
// trace events to markup, shared by the Playground's timeline view and the build-time BugPicture.
import type { TraceEvent } from '../sim/events.ts';
import { TraceState, type HeldLock } from '../sim/render/state.ts';
import type { StuckThread, WaitTarget } from '../sim/types.ts';

export interface TimelineOptions {
  /** Threads that can never run again (from a deadlock finding): their lanes end in a stuck mark. */
  stuck?: StuckThread[] | undefined;
  /** The step the reader is looking at: drawn as a cursor. */
  step?: number;
  /** Used to make ids unique when several timelines share a page. */
  idPrefix?: string;
  /** A caption for screen readers; a summary is generated when absent. */
  title?: string;
}

interface Lane {
  pid: number;
  tid: number;
  label: string;
  y: number;
  from: number;
  to: number | null;
  /** A lane that shows a lock whose owner is not in this process, rather than a thread. */
  ghost?: { lock: string; owner: number };
}

interface Bar {
  lane: string;
  from: number;
  to: number | null;
  kind: 'held' | 'blocked' | 'orphan';
  label: string;
  /** An orphan that glibc's fork itself re-initialised in the child: not a lock left behind. */
  resetByFork?: boolean;
}

const STEP_W = 18;
// A lane, top to bottom: a row of labels (locks taken, fork), the held-lock bar, the thread's line with
// its name on the left, and the blocked box below the line. Nothing drawn in one lane reaches another.
const LANE_H = 34;
const LABEL_ROW = 10;
const HELD_Y = 12;
const LINE_Y = 22;
const GROUP_GAP = 22;
const LABEL_W = 190;
const TOP = 28;
const GROUP_HEAD = 18;

/** Escape text for SVG/HTML. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One line describing an event, used for tooltips and the state view. */
export function describeEvent(e: TraceEvent): string {
  switch (e.type) {
    case 'thread.start':
      return `thread ${e.tid} starts ${e.fn}()`;
    case 'thread.create':
      return `thread ${e.tid} creates thread ${e.child}`;
    case 'thread.exit':
      return `thread ${e.tid} exits`;
    case 'thread.join':
      return `thread ${e.tid} joins thread ${e.target}`;
    case 'mutex.lock':
      return `thread ${e.tid} locks ${e.lock.name}`;
    case 'mutex.trylock':
      return `thread ${e.tid} trylock ${e.lock.name} → ${e.result === 0 ? 'acquired' : 'busy'}`;
    case 'mutex.unlock':
      // EPERM is the one a reader meets: an error-checking mutex unlocked by a thread that does not own it.
      return `thread ${e.tid} unlocks ${e.lock.name}${e.result === 0 ? '' : e.result === 1 ? ' → EPERM (it does not own the lock)' : ` → error ${e.result}`}`;
    case 'mutex.init':
      return `thread ${e.tid} initialises ${e.lock.name}`;
    case 'futex.wait':
      return `thread ${e.tid} sleeps in futex_wait on ${e.lock ?? '0x' + e.addr.toString(16)}`;
    case 'futex.wake':
      return `thread ${e.tid} wakes ${e.woken.length ? e.woken.join(', ') : 'nobody'} on ${e.lock ?? '0x' + e.addr.toString(16)}`;
    case 'futex.resume':
      return `thread ${e.tid} returns from futex_wait`;
    case 'sem.wait':
      return `thread ${e.tid} sem_wait ${e.name}${e.blocked ? ' (blocks)' : ''}`;
    case 'sem.post':
      return `thread ${e.tid} sem_post ${e.name}`;
    case 'sem.init':
      return `thread ${e.tid} sem_init ${e.name} to ${e.value}`;
    case 'cond.wait':
      return `thread ${e.tid} waits on ${e.name}`;
    case 'cond.signal':
      return `thread ${e.tid} ${e.broadcast ? 'broadcasts' : 'signals'} ${e.name}`;
    case 'cell.read':
      return `thread ${e.tid} reads ${e.name} = ${JSON.stringify(e.value)}`;
    case 'cell.write':
      return `thread ${e.tid} writes ${e.name} = ${JSON.stringify(e.value)}`;
    case 'atfork.register':
      return `thread ${e.tid} registers atfork handlers #${e.index}`;
    case 'atfork.run':
      return `thread ${e.tid} runs ${e.internal ?? 'atfork'} ${e.phase} handler #${e.index}`;
    case 'fork':
      return `thread ${e.tid} ${e.raw ? '_Fork' : 'fork'}s process ${e.child}`;
    case 'fork.child':
      return `process ${e.pid} is born: a copy of ${e.parent} with only thread ${e.tid}`;
    case 'libc.lock-reset':
      return `libc ${e.how === 'reinit' ? 're-initialises' : 'unlocks'} ${e.lock.name} in the child`;
    case 'libc.call':
      return `thread ${e.tid} ${e.phase === 'enter' ? 'calls' : 'returns from'} ${e.fn}${e.detail ? ` (${e.detail})` : ''}`;
    case 'proc.exit':
      return `process ${e.pid} exits with status ${e.status} (${e.how})`;
    case 'proc.wait':
      return `thread ${e.tid} waitpid(${e.child})${e.blocked ? ' blocks' : ` → status ${e.status}`}`;
    case 'proc.exec':
      return `process ${e.pid} execs ${e.path}`;
    case 'fd.open':
      return `thread ${e.tid} opens ${e.path} as fd ${e.fd}`;
    case 'fd.close':
      return `thread ${e.tid} closes fd ${e.fd}`;
    case 'fd.dup2':
      return `thread ${e.tid} dup2(${e.from}, ${e.to})`;
    case 'fd.socketpair':
      return `thread ${e.tid} socketpair → ${e.fds.join(', ')}`;
    case 'fd.pipe':
      return `thread ${e.tid} pipe → ${e.fds.join(', ')}`;
    case 'io.read':
      return `thread ${e.tid} reads ${JSON.stringify(e.text)} from fd ${e.fd}`;
    case 'fd.inherit':
      return `process ${e.pid} inherits fds ${e.fds.join(', ')}`;
    case 'fd.leak':
      return `fd ${e.fd} of thread ${e.owner} leaks into process ${e.intoPid}`;
    case 'sys.sendmsg':
      return `thread ${e.tid} sendmsg(${e.fd}) ${e.what}`;
    case 'sys.recvmsg':
      return `thread ${e.tid} recvmsg(${e.fd}) ${e.what}`;
    case 'io.write':
      return `thread ${e.tid} writes ${JSON.stringify(e.text)} to fd ${e.fd}`;
    case 'signal.send':
      return `thread ${e.tid} sends ${e.sig} to ${e.targetIsPid ? 'process' : 'thread'} ${e.target}`;
    case 'signal.deliver':
      return `${e.sig} delivered to thread ${e.tid}`;
    case 'signal.return':
      return `thread ${e.tid} returns from its ${e.sig} handler`;
    case 'signal.mask':
      return `thread ${e.tid} blocks ${e.mask.length > 0 ? e.mask.join(', ') : 'no signal'}`;
    case 'signal.suspend':
      return `thread ${e.tid} waits in sigsuspend`;
    case 'signal.resume':
      return `thread ${e.tid} returns from sigsuspend`;
    case 'signal.wait':
      return `thread ${e.tid} takes ${e.sig} in sigwait`;
    case 'time.sleep':
      return `thread ${e.tid} sleeps until ${(e.until / 1e9).toFixed(3)} s`;
    case 'unsafe-call':
      return `thread ${e.tid} calls ${e.fn}, not async-signal-safe, in a ${e.context === 'fork-child' ? 'child of a multi-threaded process' : 'signal handler'}`;
    case 'assert.fail':
      return `assertion failed in thread ${e.tid}: ${e.message}`;
    case 'error':
      return `error in thread ${e.tid}: ${e.message}`;
    default: {
      const other = e as { type: string; tid: number };
      return `thread ${other.tid}: ${other.type}`;
    }
  }
}

/** A blocked box's words for what its thread waits for. */
function waitLabel(w: WaitTarget | undefined): string {
  switch (w?.kind) {
    case 'mutex':
      return `waits for ${w.name}`;
    case 'cond':
      return `waits on ${w.name}`;
    case 'waitpid':
      return `waits for process ${w.pid}`;
    case 'sem':
    case 'pipe':
      return `waits for ${w.name}`;
    case 'join':
      return `waits for thread ${w.tid}`;
    case 'signal':
      return w.name === 'sigsuspend' ? 'waits in sigsuspend' : `waits for ${w.name}`;
    default:
      return 'waits';
  }
}

/**
 * Compute lanes, bars and marks from a trace. Exported for tests and for the state view. Which locks
 * are held by whom and which threads are blocked on what come from stateAt's fold (TraceState), read
 * after every event: the bars are its state drawn over time.
 */
export function layoutTimeline(events: readonly TraceEvent[], stuck: readonly StuckThread[] = []) {
  const procs = new Map<
    number,
    { pid: number; parent?: number; forkedBy?: number; born: number; exited: number | null; tids: number[] }
  >();
  const threads = new Map<number, { pid: number; tid: number; fn: string; from: number; to: number | null }>();
  const bars: Bar[] = [];
  const forks: { from: { pid: number; tid: number }; child: number; step: number; raw: boolean }[] = [];
  const creates: { tid: number; child: number; step: number }[] = [];
  const marks: {
    tid: number;
    pid: number;
    step: number;
    kind: 'error' | 'assert' | 'unsafe' | 'leak';
    text: string;
  }[] = [];
  const state = new TraceState();
  // The bar drawn for each held lock (key pid/name) and for each blocked thread (key tid).
  const heldBar = new Map<string, { owner: number; bar: number }>();
  const blockedBar = new Map<number, number>();
  let last = 0;

  const proc = (pid: number, step: number) => {
    let p = procs.get(pid);
    if (!p) {
      p = { pid, born: step, exited: null, tids: [] };
      procs.set(pid, p);
    }
    return p;
  };
  const thread = (pid: number, tid: number, step: number, fn = '') => {
    let t = threads.get(tid);
    if (!t) {
      t = { pid, tid, fn, from: step, to: null };
      threads.set(tid, t);
      proc(pid, step).tids.push(tid);
    }
    if (fn && !t.fn) t.fn = fn;
    return t;
  };
  /** Opens and closes bars where the state after `e` differs from the bars drawn so far. */
  const follow = (e: TraceEvent) => {
    const step = e.step;
    for (const p of state.processes()) {
      // A process that exited holds nothing any more, whatever its memory said.
      const locks: ReadonlyMap<string, HeldLock> = p.exited ? new Map() : p.locks;
      for (const [k, h] of heldBar) {
        if (!k.startsWith(`${p.pid}/`)) continue;
        const name = k.slice(k.indexOf('/') + 1);
        if (locks.get(name)?.owner === h.owner) continue;
        const b = bars[h.bar]!;
        b.to = step;
        // glibc's fork takes its internal locks in the parent and resets them in the child before
        // any code of the reader's runs there: drawing those as left behind would cry wolf.
        if (e.type === 'libc.lock-reset' && e.pid === p.pid && e.lock.name === name && b.kind === 'orphan')
          b.resetByFork = true;
        heldBar.delete(k);
      }
      for (const l of locks.values()) {
        const k = `${p.pid}/${l.name}`;
        if (heldBar.has(k)) continue;
        heldBar.set(k, { owner: l.owner, bar: bars.length });
        // A lock copied into a child by fork is held there by a thread of another process.
        const mine = threads.get(l.owner)?.pid === p.pid;
        bars.push({
          lane: mine ? String(l.owner) : `ghost:${p.pid}:${l.name}:${l.owner}`,
          from: step,
          to: null,
          kind: mine ? 'held' : 'orphan',
          label: l.name,
        });
      }
      for (const t of p.threads.values()) {
        const open = blockedBar.get(t.tid);
        const label = t.status === 'blocked' ? waitLabel(t.waitsFor) : null;
        if (open !== undefined && bars[open]!.label === label) continue;
        if (open !== undefined) {
          bars[open]!.to = step;
          blockedBar.delete(t.tid);
        }
        if (label === null) continue;
        blockedBar.set(t.tid, bars.length);
        bars.push({ lane: String(t.tid), from: step, to: null, kind: 'blocked', label });
      }
    }
  };

  for (const e of events) {
    last = Math.max(last, e.step);
    if (e.type === 'fork.child') {
      const p = proc(e.pid, e.step);
      p.parent = e.parent;
      p.forkedBy = e.parentTid;
    }
    const t = thread(e.pid, e.tid, e.step, e.type === 'thread.start' ? e.fn : '');
    switch (e.type) {
      case 'thread.create':
        creates.push({ tid: e.tid, child: e.child, step: e.step });
        break;
      case 'thread.exit':
        t.to = e.step;
        break;
      case 'proc.exit': {
        const p = proc(e.pid, e.step);
        p.exited = e.step;
        for (const tid of p.tids) {
          const th = threads.get(tid)!;
          if (th.to === null) th.to = e.step;
        }
        break;
      }
      case 'fork':
        forks.push({ from: { pid: e.pid, tid: e.tid }, child: e.child, step: e.step, raw: e.raw });
        proc(e.child, e.step);
        break;
      case 'error':
        marks.push({ tid: e.tid, pid: e.pid, step: e.step, kind: 'error', text: e.message });
        break;
      case 'assert.fail':
        marks.push({ tid: e.tid, pid: e.pid, step: e.step, kind: 'assert', text: e.message });
        break;
      case 'unsafe-call':
        marks.push({
          tid: e.tid,
          pid: e.pid,
          step: e.step,
          kind: 'unsafe',
          text: `${e.fn} is not async-signal-safe here`,
        });
        break;
      case 'fd.leak':
        marks.push({ tid: e.tid, pid: e.pid, step: e.step, kind: 'leak', text: `fd ${e.fd} leaked into ${e.intoPid}` });
        break;
      default:
        break;
    }
    state.apply(e);
    follow(e);
  }

  // Lanes: processes in order of birth, threads in order of appearance, then ghost lanes for locks
  // the process holds on behalf of threads it does not have.
  const lanes = new Map<string, Lane>();
  const groups: { pid: number; label: string; y: number; h: number }[] = [];
  let y = TOP;
  const ghostBars = bars.filter((b) => b.kind === 'orphan' && !b.resetByFork);
  for (const p of procs.values()) {
    const gy = y;
    y += GROUP_HEAD;
    for (const tid of p.tids) {
      const th = threads.get(tid)!;
      const name = th.fn ? ` ${th.fn}` : '';
      lanes.set(String(tid), { pid: p.pid, tid, label: `${tid}${name}`, y, from: th.from, to: th.to });
      y += LANE_H;
    }
    for (const b of ghostBars) {
      if (!b.lane.startsWith(`ghost:${p.pid}:`) || lanes.has(b.lane)) continue;
      const owner = Number(b.lane.split(':').pop());
      // Drop copies whose owner is a thread of this process (possible only if tids were reused).
      if (p.tids.includes(owner)) {
        b.kind = 'held';
        b.lane = String(owner);
        continue;
      }
      lanes.set(b.lane, {
        pid: p.pid,
        tid: owner,
        label: `${b.label}: owner ${owner}`,
        y,
        from: b.from,
        to: b.to,
        ghost: { lock: b.label, owner },
      });
      y += LANE_H;
    }
    const lbl =
      p.parent !== undefined ? `process ${p.pid} (fork of ${p.parent} by thread ${p.forkedBy})` : `process ${p.pid}`;
    groups.push({ pid: p.pid, label: lbl, y: gy, h: y - gy });
    y += GROUP_GAP;
  }
  const stuckTids = new Set(stuck.map((s) => s.tid));
  // A lock stays held forever when nobody releases it: its bar runs to the end.
  return { lanes, groups, bars, forks, creates, marks, last, height: y, stuckTids, threads, procs };
}

/** The palette, Okabe–Ito (safe for the common colour-vision deficiencies). */
export const PALETTE = {
  held: '#0072B2',
  blocked: '#E69F00',
  blockedStroke: '#B36B00',
  orphan: '#D55E00',
  fork: '#009E73',
  mark: '#CC79A7',
  cursor: '#CC79A7',
} as const;

/** A generous estimate of a label's width in px (the test measures the real ones). */
function textWidth(text: string, size: number, bold = false): number {
  return [...text].length * size * (bold ? 0.68 : 0.62) + 2;
}

/** Cuts `text` to fit `px` at `size`, with an ellipsis. */
function fit(text: string, px: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= px) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(chars.join('') + '…', size, bold) > px) chars.pop();
  return chars.join('') + '…';
}

/** Keeps the labels of one row apart: claim() answers whether [x, x + w) is still free. */
function row() {
  const taken: [number, number][] = [];
  return {
    claim(x: number, w: number): boolean {
      if (taken.some(([a, b]) => x < b + 3 && a < x + w + 3)) return false;
      taken.push([x, x + w]);
      return true;
    },
  };
}

/** The drawn width of a timeline whose last step is `last`: the labels, one column a step, the stuck notes. */
const drawnWidth = (last: number) => LABEL_W + (last + 2) * STEP_W + 150;

/** The width, in CSS pixels, at which timelineSvg draws these events (a page may scale it to fit). */
export function timelineWidth(events: readonly TraceEvent[], stuck: readonly StuckThread[] = []): number {
  return drawnWidth(layoutTimeline(events, stuck).last);
}

/** Render a trace as an SVG timeline. Pure: no DOM, safe at build time. */
export function timelineSvg(events: readonly TraceEvent[], opts: TimelineOptions = {}): string {
  const stuck = opts.stuck ?? [];
  const L = layoutTimeline(events, stuck);
  const id = opts.idPrefix ?? 'tl';
  const width = drawnWidth(L.last);
  const height = L.height + 8;
  const x = (s: number) => LABEL_W + s * STEP_W + STEP_W / 2;
  const endX = x(L.last + 1);
  // What lies after the cursor is drawn faintly: the reader sees where the run goes, not where it is.
  const future = (s: number) => (opts.step !== undefined && s > opts.step ? ' opacity="0.35"' : '');
  const out: string[] = [];
  const procCount = L.groups.length;
  const threadCount = [...L.lanes.values()].filter((l) => !l.ghost).length;
  const orphanCount = [...L.lanes.values()].filter((l) => l.ghost).length;
  const summary =
    opts.title ??
    [
      `Timeline of ${L.last + 1} steps: ${procCount} process${procCount === 1 ? '' : 'es'}, ${threadCount} thread${threadCount === 1 ? '' : 's'}.`,
      orphanCount
        ? `${orphanCount} lock${orphanCount === 1 ? ' is' : 's are'} held in a child by a thread that does not exist there.`
        : '',
      stuck.length ? `Stuck forever: ${stuck.map((s) => `thread ${s.tid}`).join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' ');

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="fl-timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title" font-family="system-ui, sans-serif" font-size="12">`,
  );
  out.push(`<title id="${id}-title">${esc(summary)}</title>`);
  out.push(`<defs>
<pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${PALETTE.blocked}" fill-opacity="0.25"/><line x1="0" y1="0" x2="0" y2="6" stroke="${PALETTE.blockedStroke}" stroke-width="2.5"/></pattern>
<pattern id="${id}-orphan" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="8" height="8" fill="${PALETTE.orphan}" fill-opacity="0.2"/><line x1="0" y1="0" x2="0" y2="8" stroke="${PALETTE.orphan}" stroke-width="3"/></pattern>
</defs>`);
  // Step axis.
  const every = L.last + 2 > 60 ? 10 : 5;
  for (let s = 0; s <= L.last; s += every) {
    out.push(`<text x="${x(s)}" y="14" text-anchor="middle" fill="currentColor" opacity="0.7">${s}</text>`);
    out.push(
      `<line x1="${x(s)}" y1="18" x2="${x(s)}" y2="${height - 4}" stroke="currentColor" stroke-opacity="0.08"/>`,
    );
  }
  out.push(`<text x="8" y="14" fill="currentColor" opacity="0.7">step</text>`);

  for (const g of L.groups) {
    out.push(`<g class="fl-proc" data-pid="${g.pid}"${future(L.procs.get(g.pid)?.born ?? 0)}>`);
    out.push(
      `<rect x="2" y="${g.y - 2}" width="${width - 4}" height="${g.h + 4}" rx="6" fill="currentColor" fill-opacity="0.04" stroke="currentColor" stroke-opacity="0.25"/>`,
    );
    out.push(`<text x="8" y="${g.y + 13}" font-weight="600" fill="currentColor">${esc(g.label)}</text>`);
    out.push(`</g>`);
  }

  // Each lane's row of labels: fork labels first (they name the moment), then the locks taken.
  const rows = new Map<string, ReturnType<typeof row>>();
  const rowOf = (key: string) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = row()));
    return r;
  };

  for (const [key, lane] of L.lanes) {
    const cy = lane.y + LINE_Y;
    if (lane.ghost) {
      const full = `${lane.ghost.lock} is held by thread ${lane.ghost.owner}, which is not in process ${lane.pid}`;
      out.push(
        `<g class="fl-ghost" data-lock="${esc(lane.ghost.lock)}" data-owner="${lane.ghost.owner}"${future(lane.from)}><title>${esc(full)}</title>`,
      );
      out.push(
        `<text x="14" y="${lane.y + 16}" fill="currentColor" font-weight="700">${esc(fit(`⚠ ${lane.ghost.lock}`, LABEL_W - 20, 12, true))}</text>`,
      );
      out.push(
        `<text x="22" y="${lane.y + 29}" fill="currentColor" font-size="10">owner ${lane.ghost.owner}: gone</text>`,
      );
      out.push(`</g>`);
      continue;
    }
    const isStuck = L.stuckTids.has(lane.tid);
    const to = lane.to ?? L.last + 1;
    out.push(
      `<g class="fl-lane" data-tid="${lane.tid}" data-key="${esc(key)}"><title>${esc(`thread ${lane.label}`)}</title>`,
    );
    out.push(
      `<text x="14" y="${cy + 4}" fill="currentColor">${esc(fit(`thread ${lane.label}`, LABEL_W - 20, 12))}</text>`,
    );
    out.push(
      `<line x1="${x(lane.from)}" y1="${cy}" x2="${x(to)}" y2="${cy}" stroke="currentColor" stroke-width="2" stroke-opacity="0.55"${lane.to === null && !isStuck ? ' stroke-dasharray="3 3"' : ''}/>`,
    );
    out.push(`</g>`);
  }

  // Fork: the birth of a process, drawn from the forking thread to the child's first lane.
  for (const f of L.forks) {
    const src = L.lanes.get(String(f.from.tid));
    const child = [...L.lanes.values()].find((l) => l.pid === f.child && !l.ghost);
    const grp = L.groups.find((g) => g.pid === f.child);
    if (!src) continue;
    const cy0 = src.y + LINE_Y;
    const cy1 = child ? child.y + LINE_Y : grp ? grp.y + 10 : cy0;
    const word = f.raw ? '_Fork' : 'fork';
    out.push(
      `<g class="fl-fork"${future(f.step)}><title>${esc(`thread ${f.from.tid} calls ${word}: process ${f.child} is born with one thread`)}</title>`,
    );
    out.push(
      `<path d="M${x(f.step)} ${cy0} C ${x(f.step) + 10} ${cy0}, ${x(f.step) + 4} ${cy1}, ${x(f.step) + 14} ${cy1}" fill="none" stroke="${PALETTE.fork}" stroke-width="2.5"/>`,
    );
    out.push(`<circle cx="${x(f.step)}" cy="${cy0}" r="5" fill="${PALETTE.fork}"/>`);
    const lx = x(f.step) - 4;
    if (rowOf(String(f.from.tid)).claim(lx, textWidth(word, 10, true)))
      out.push(
        `<text x="${lx}" y="${src.y + LABEL_ROW}" font-size="10" font-weight="600" fill="currentColor">${word}</text>`,
      );
    out.push(`</g>`);
  }

  for (const b of L.bars) {
    const lane = L.lanes.get(b.lane);
    if (!lane) continue;
    const to = b.to ?? L.last + 1;
    const x0 = x(b.from) - STEP_W / 2 + 1;
    const w = Math.max(x(to) - x(b.from), 4);
    if (b.kind === 'held') {
      out.push(
        `<rect class="fl-held" x="${x0}" y="${lane.y + HELD_Y}" width="${w}" height="6" rx="2" fill="${PALETTE.held}"${future(b.from)}><title>${esc(`thread ${lane.tid} holds ${b.label} from step ${b.from}${b.to === null ? ' to the end' : ` to step ${b.to}`}`)}</title></rect>`,
      );
      // A label only where it has room: glibc's fork takes several locks in a row, and their
      // names on top of each other would be a smear. Each bar keeps its name in its tooltip.
      if (rowOf(b.lane).claim(x0, textWidth(b.label, 9)))
        out.push(
          `<text x="${x0}" y="${lane.y + LABEL_ROW}" font-size="9" fill="currentColor"${future(b.from)}>${esc(b.label)}</text>`,
        );
    } else if (b.kind === 'blocked') {
      const forever = b.to === null && L.stuckTids.has(lane.tid);
      out.push(
        `<rect class="fl-blocked" x="${x0}" y="${lane.y + LINE_Y - 1}" width="${w}" height="10" fill="url(#${id}-hatch)" stroke="${PALETTE.blockedStroke}"${future(b.from)}><title>${esc(`thread ${lane.tid} ${b.label}${forever ? ', forever' : ''}`)}</title></rect>`,
      );
    } else {
      out.push(
        `<rect class="fl-orphan" x="${x0}" y="${lane.y + 12}" width="${w}" height="16" fill="url(#${id}-orphan)" stroke="${PALETTE.orphan}" stroke-width="1.5" stroke-dasharray="4 2"${future(b.from)}><title>${esc(`${b.label} is locked in process ${lane.pid} by thread ${lane.tid}, which does not exist in this process: fork left it behind`)}</title></rect>`,
      );
    }
  }

  for (const c of L.creates) {
    const a = L.lanes.get(String(c.tid));
    const b = L.lanes.get(String(c.child));
    if (!a || !b) continue;
    out.push(
      `<line class="fl-create" x1="${x(c.step)}" y1="${a.y + LINE_Y}" x2="${x(b.from)}" y2="${b.y + LINE_Y}" stroke="currentColor" stroke-opacity="0.4" stroke-dasharray="2 2"/>`,
    );
  }

  // Event dots, each with its description for hover and assistive technology.
  for (const e of events) {
    const lane = L.lanes.get(String(e.tid));
    if (!lane) continue;
    out.push(
      `<circle class="fl-ev" data-step="${e.step}" cx="${x(e.step)}" cy="${lane.y + LINE_Y}" r="2.5" fill="currentColor"${future(e.step)}><title>${esc(`step ${e.step}: ${describeEvent(e)}`)}</title></circle>`,
    );
  }

  // One mark per lane and step: several findings at one step share it, and its tooltip lists them.
  const marks = new Map<string, { lane: Lane; step: number; kind: string; texts: string[] }>();
  for (const m of L.marks) {
    const lane = L.lanes.get(String(m.tid));
    if (!lane) continue;
    const k = `${m.tid}@${m.step}`;
    const had = marks.get(k);
    if (had) had.texts.push(m.text);
    else marks.set(k, { lane, step: m.step, kind: m.kind, texts: [m.text] });
  }
  for (const m of marks.values()) {
    const cy = m.lane.y + LINE_Y;
    out.push(
      `<g class="fl-mark fl-mark-${m.kind}"${future(m.step)}><title>${esc(m.texts.join('; '))}</title><rect x="${x(m.step) - 6}" y="${cy - 6}" width="12" height="12" fill="${PALETTE.mark}" stroke="currentColor"/><text x="${x(m.step)}" y="${cy + 4}" text-anchor="middle" font-size="10" font-weight="700" fill="#000">!</text></g>`,
    );
  }

  // Stuck forever: a cross at the end of the lane and words beside it.
  for (const s of stuck) {
    const lane = L.lanes.get(String(s.tid));
    if (!lane) continue;
    const cy = lane.y + LINE_Y;
    const cx = endX;
    out.push(`<g class="fl-stuck" data-tid="${s.tid}"${future(L.last)}><title>${esc(s.sentence)}</title>`);
    out.push(
      `<path d="M${cx - 6} ${cy - 6} L${cx + 6} ${cy + 6} M${cx + 6} ${cy - 6} L${cx - 6} ${cy + 6}" stroke="${PALETTE.orphan}" stroke-width="3"/>`,
    );
    out.push(`<text x="${cx + 10}" y="${cy + 4}" font-weight="700" fill="currentColor">stuck forever</text>`);
    out.push(`</g>`);
  }

  if (opts.step !== undefined) {
    out.push(
      `<line class="fl-cursor" data-x="${x(opts.step)}" x1="${x(opts.step)}" y1="18" x2="${x(opts.step)}" y2="${height - 4}" stroke="${PALETTE.cursor}" stroke-width="2"/>`,
    );
  }
  out.push(`</svg>`);
  return out.join('\n');
}
