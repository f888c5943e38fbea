// Draws a trace as an SVG timeline (a lane per thread, grouped by process): a pure function from
// trace events to markup, shared by the Playground's timeline view and the build-time BugPicture.
import type { TraceEvent } from '../sim/events.ts';
import type { StuckThread } from '../sim/types.ts';

export interface TimelineOptions {
  /** Threads that can never run again (from a deadlock finding): their lanes end in a stuck mark. */
  stuck?: StuckThread[];
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
const LANE_H = 26;
const GROUP_GAP = 22;
const LABEL_W = 190;
const TOP = 28;

/** Escape text for SVG/HTML. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One line describing an event, used for tooltips and the state view. */
export function describeEvent(e: TraceEvent): string {
  switch (e.type) {
    case 'thread.start': return `thread ${e.tid} starts ${e.fn}()`;
    case 'thread.create': return `thread ${e.tid} creates thread ${e.child}`;
    case 'thread.exit': return `thread ${e.tid} exits`;
    case 'thread.join': return `thread ${e.tid} joins thread ${e.target}`;
    case 'mutex.lock': return `thread ${e.tid} locks ${e.lock.name}`;
    case 'mutex.trylock': return `thread ${e.tid} trylock ${e.lock.name} → ${e.result === 0 ? 'acquired' : 'busy'}`;
    case 'mutex.unlock': return `thread ${e.tid} unlocks ${e.lock.name}${e.result !== 0 ? ` → error ${e.result}` : ''}`;
    case 'mutex.init': return `thread ${e.tid} initialises ${e.lock.name}`;
    case 'futex.wait': return `thread ${e.tid} sleeps in futex_wait on ${e.lock ?? '0x' + e.addr.toString(16)}`;
    case 'futex.wake': return `thread ${e.tid} wakes ${e.woken.length ? e.woken.join(', ') : 'nobody'} on ${e.lock ?? '0x' + e.addr.toString(16)}`;
    case 'futex.resume': return `thread ${e.tid} returns from futex_wait`;
    case 'sem.wait': return `thread ${e.tid} sem_wait ${e.name}${e.blocked ? ' (blocks)' : ''}`;
    case 'sem.post': return `thread ${e.tid} sem_post ${e.name}`;
    case 'cond.wait': return `thread ${e.tid} waits on ${e.name}`;
    case 'cond.signal': return `thread ${e.tid} ${e.broadcast ? 'broadcasts' : 'signals'} ${e.name}`;
    case 'cell.read': return `thread ${e.tid} reads ${e.name} = ${JSON.stringify(e.value)}`;
    case 'cell.write': return `thread ${e.tid} writes ${e.name} = ${JSON.stringify(e.value)}`;
    case 'atfork.register': return `thread ${e.tid} registers atfork handlers #${e.index}`;
    case 'atfork.run': return `thread ${e.tid} runs ${e.internal ?? 'atfork'} ${e.phase} handler #${e.index}`;
    case 'fork': return `thread ${e.tid} ${e.raw ? '_Fork' : 'fork'}s process ${e.child}`;
    case 'fork.child': return `process ${e.pid} is born: a copy of ${e.parent} with only thread ${e.tid}`;
    case 'libc.lock-reset': return `libc ${e.how === 'reinit' ? 're-initialises' : 'unlocks'} ${e.lock.name} in the child`;
    case 'libc.call': return `thread ${e.tid} ${e.phase === 'enter' ? 'calls' : 'returns from'} ${e.fn}${e.detail ? ` (${e.detail})` : ''}`;
    case 'proc.exit': return `process ${e.pid} exits with status ${e.status} (${e.how})`;
    case 'proc.wait': return `thread ${e.tid} waitpid(${e.child})${e.blocked ? ' blocks' : ` → status ${e.status}`}`;
    case 'proc.exec': return `process ${e.pid} execs ${e.path}`;
    case 'fd.open': return `thread ${e.tid} opens ${e.path} as fd ${e.fd}`;
    case 'fd.close': return `thread ${e.tid} closes fd ${e.fd}`;
    case 'fd.dup2': return `thread ${e.tid} dup2(${e.from}, ${e.to})`;
    case 'fd.socketpair': return `thread ${e.tid} socketpair → ${e.fds.join(', ')}`;
    case 'fd.inherit': return `process ${e.pid} inherits fds ${e.fds.join(', ')}`;
    case 'fd.leak': return `fd ${e.fd} of thread ${e.owner} leaks into process ${e.intoPid}`;
    case 'sys.sendmsg': return `thread ${e.tid} sendmsg(${e.fd}) ${e.what}`;
    case 'sys.recvmsg': return `thread ${e.tid} recvmsg(${e.fd}) ${e.what}`;
    case 'io.write': return `thread ${e.tid} writes ${JSON.stringify(e.text)} to fd ${e.fd}`;
    case 'signal.send': return `thread ${e.tid} sends ${e.sig} to ${e.targetIsPid ? 'process' : 'thread'} ${e.target}`;
    case 'signal.deliver': return `${e.sig} delivered to thread ${e.tid}`;
    case 'signal.return': return `thread ${e.tid} returns from its ${e.sig} handler`;
    case 'time.sleep': return `thread ${e.tid} sleeps until ${(e.until / 1e9).toFixed(3)} s`;
    case 'unsafe-call': return `thread ${e.tid} calls ${e.fn}, not async-signal-safe, in a ${e.context === 'fork-child' ? 'child of a multi-threaded process' : 'signal handler'}`;
    case 'assert.fail': return `assertion failed in thread ${e.tid}: ${e.message}`;
    case 'error': return `error in thread ${e.tid}: ${e.message}`;
    default: {
      const other = e as { type: string; tid: number };
      return `thread ${other.tid}: ${other.type}`;
    }
  }
}

/** Compute lanes, bars and marks from a trace. Exported for tests and for the state view. */
export function layoutTimeline(events: readonly TraceEvent[], stuck: readonly StuckThread[] = []) {
  const procs = new Map<number, { pid: number; parent?: number; forkedBy?: number; born: number; exited: number | null; tids: number[] }>();
  const threads = new Map<number, { pid: number; tid: number; fn: string; from: number; to: number | null }>();
  const bars: Bar[] = [];
  const forks: { from: { pid: number; tid: number }; child: number; step: number; raw: boolean }[] = [];
  const creates: { tid: number; child: number; step: number }[] = [];
  const marks: { tid: number; pid: number; step: number; kind: 'error' | 'assert' | 'unsafe' | 'leak'; text: string }[] = [];
  // lock holdings per process: key pid/addr -> { owner, from, name }
  const held = new Map<string, { pid: number; owner: number; from: number; name: string; barIndex: number }>();
  const blockedOpen = new Map<number, number>();
  let last = 0;

  const proc = (pid: number, step: number) => {
    let p = procs.get(pid);
    if (!p) { p = { pid, born: step, exited: null, tids: [] }; procs.set(pid, p); }
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
  const openBlocked = (tid: number, step: number, label: string) => {
    if (blockedOpen.has(tid)) return;
    blockedOpen.set(tid, bars.length);
    bars.push({ lane: String(tid), from: step, to: null, kind: 'blocked', label });
  };
  const closeBlocked = (tid: number, step: number) => {
    const i = blockedOpen.get(tid);
    if (i === undefined) return;
    bars[i]!.to = step;
    blockedOpen.delete(tid);
  };
  const release = (pid: number, addr: number, step: number) => {
    const k = `${pid}/${addr}`;
    const h = held.get(k);
    if (!h) return;
    bars[h.barIndex]!.to = step;
    held.delete(k);
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
      case 'thread.create': creates.push({ tid: e.tid, child: e.child, step: e.step }); break;
      case 'thread.exit': t.to = e.step; closeBlocked(e.tid, e.step); break;
      case 'proc.exit': {
        const p = proc(e.pid, e.step);
        p.exited = e.step;
        for (const tid of p.tids) {
          const th = threads.get(tid)!;
          if (th.to === null) th.to = e.step;
          closeBlocked(tid, e.step);
        }
        for (const [k, h] of held) if (h.pid === e.pid) { bars[h.barIndex]!.to = e.step; held.delete(k); }
        break;
      }
      case 'mutex.lock': {
        closeBlocked(e.tid, e.step);
        const k = `${e.pid}/${e.lock.addr}`;
        if (!held.has(k)) {
          held.set(k, { pid: e.pid, owner: e.tid, from: e.step, name: e.lock.name, barIndex: bars.length });
          bars.push({ lane: String(e.tid), from: e.step, to: null, kind: 'held', label: e.lock.name });
        }
        break;
      }
      case 'mutex.trylock': {
        const k = `${e.pid}/${e.lock.addr}`;
        if (e.result === 0 && !held.has(k)) {
          held.set(k, { pid: e.pid, owner: e.tid, from: e.step, name: e.lock.name, barIndex: bars.length });
          bars.push({ lane: String(e.tid), from: e.step, to: null, kind: 'held', label: e.lock.name });
        }
        break;
      }
      case 'mutex.unlock': {
        const h = held.get(`${e.pid}/${e.lock.addr}`);
        // A recursive mutex stays held until its count reaches zero: the world reports word 0 then.
        if (e.result === 0 && h && (e.word === 0 || h.owner !== e.tid)) release(e.pid, e.lock.addr, e.step);
        break;
      }
      case 'mutex.init':
        release(e.pid, e.lock.addr, e.step);
        break;
      case 'libc.lock-reset': {
        // glibc's fork takes its internal locks in the parent and resets them in the child before
        // any code of the reader's runs there: drawing those as left behind would cry wolf.
        const h = held.get(`${e.pid}/${e.lock.addr}`);
        if (h && bars[h.barIndex]?.kind === 'orphan') bars[h.barIndex]!.resetByFork = true;
        release(e.pid, e.lock.addr, e.step);
        break;
      }
      case 'futex.wait': openBlocked(e.tid, e.step, `waits for ${e.lock ?? 'a futex'}`); break;
      case 'futex.resume': closeBlocked(e.tid, e.step); break;
      case 'sem.wait': if (e.blocked) openBlocked(e.tid, e.step, `waits for ${e.name}`); else closeBlocked(e.tid, e.step); break;
      case 'cond.wait': openBlocked(e.tid, e.step, `waits on ${e.name}`); break;
      case 'proc.wait': if (e.blocked) openBlocked(e.tid, e.step, `waits for process ${e.child}`); else closeBlocked(e.tid, e.step); break;
      case 'thread.join': closeBlocked(e.tid, e.step); break;
      case 'fork': {
        forks.push({ from: { pid: e.pid, tid: e.tid }, child: e.child, step: e.step, raw: e.raw });
        // The child gets a copy of every lock in its current state, owners included.
        const childPid = e.child;
        proc(childPid, e.step);
        for (const [key, h] of [...held.entries()]) {
          if (h.pid !== e.pid) continue;
          const k = `${childPid}/${key.slice(key.indexOf('/') + 1)}`;
          held.set(k, { pid: childPid, owner: h.owner, from: e.step, name: h.name, barIndex: bars.length });
          bars.push({ lane: `ghost:${childPid}:${h.name}:${h.owner}`, from: e.step, to: null, kind: 'orphan', label: h.name });
        }
        break;
      }
      case 'error': marks.push({ tid: e.tid, pid: e.pid, step: e.step, kind: 'error', text: e.message }); break;
      case 'assert.fail': marks.push({ tid: e.tid, pid: e.pid, step: e.step, kind: 'assert', text: e.message }); break;
      case 'unsafe-call': marks.push({ tid: e.tid, pid: e.pid, step: e.step, kind: 'unsafe', text: `${e.fn} is not async-signal-safe here` }); break;
      case 'fd.leak': marks.push({ tid: e.tid, pid: e.pid, step: e.step, kind: 'leak', text: `fd ${e.fd} leaked into ${e.intoPid}` }); break;
      default: break;
    }
  }

  // Lanes: processes in order of birth, threads in order of appearance, then ghost lanes for locks
  // the process holds on behalf of threads it does not have.
  const lanes = new Map<string, Lane>();
  const groups: { pid: number; label: string; y: number; h: number }[] = [];
  let y = TOP;
  const ghostBars = bars.filter((b) => b.kind === 'orphan' && !b.resetByFork);
  for (const p of procs.values()) {
    const gy = y;
    y += 18;
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
      if (p.tids.includes(owner)) { b.kind = 'held'; b.lane = String(owner); continue; }
      lanes.set(b.lane, { pid: p.pid, tid: owner, label: `${b.label}: owner ${owner}`, y, from: b.from, to: b.to, ghost: { lock: b.label, owner } });
      y += LANE_H;
    }
    const lbl = p.parent !== undefined
      ? `process ${p.pid} (fork of ${p.parent} by thread ${p.forkedBy})`
      : `process ${p.pid}`;
    groups.push({ pid: p.pid, label: lbl, y: gy, h: y - gy });
    y += GROUP_GAP;
  }
  const stuckTids = new Set(stuck.map((s) => s.tid));
  // A lock stays held forever when nobody releases it: its bar runs to the end.
  return { lanes, groups, bars, forks, creates, marks, last, height: y, stuckTids, threads, procs };
}

/** Render a trace as an SVG timeline. Pure: no DOM, safe at build time. */
export function timelineSvg(events: readonly TraceEvent[], opts: TimelineOptions = {}): string {
  const stuck = opts.stuck ?? [];
  const L = layoutTimeline(events, stuck);
  const id = opts.idPrefix ?? 'tl';
  const steps = L.last + 2;
  const width = LABEL_W + steps * STEP_W + 150;
  const height = L.height + 8;
  const x = (s: number) => LABEL_W + s * STEP_W + STEP_W / 2;
  const endX = x(L.last + 1);
  const out: string[] = [];
  const procCount = L.groups.length;
  const threadCount = [...L.lanes.values()].filter((l) => !l.ghost).length;
  const orphanCount = [...L.lanes.values()].filter((l) => l.ghost).length;
  const summary = opts.title ?? [
    `Timeline of ${L.last + 1} steps: ${procCount} process${procCount === 1 ? '' : 'es'}, ${threadCount} thread${threadCount === 1 ? '' : 's'}.`,
    orphanCount ? `${orphanCount} lock${orphanCount === 1 ? ' is' : 's are'} held in a child by a thread that does not exist there.` : '',
    stuck.length ? `Stuck forever: ${stuck.map((s) => `thread ${s.tid}`).join(', ')}.` : '',
  ].filter(Boolean).join(' ');

  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="fl-timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<title id="${id}-title">${esc(summary)}</title>`);
  out.push(`<defs>
<pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#E69F00" fill-opacity="0.25"/><line x1="0" y1="0" x2="0" y2="6" stroke="#B36B00" stroke-width="2.5"/></pattern>
<pattern id="${id}-orphan" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="8" height="8" fill="#D55E00" fill-opacity="0.2"/><line x1="0" y1="0" x2="0" y2="8" stroke="#D55E00" stroke-width="3"/></pattern>
</defs>`);
  // Step axis.
  const every = steps > 60 ? 10 : 5;
  for (let s = 0; s <= L.last; s += every) {
    out.push(`<text x="${x(s)}" y="14" text-anchor="middle" fill="currentColor" opacity="0.7">${s}</text>`);
    out.push(`<line x1="${x(s)}" y1="18" x2="${x(s)}" y2="${height - 4}" stroke="currentColor" stroke-opacity="0.08"/>`);
  }
  out.push(`<text x="8" y="14" fill="currentColor" opacity="0.7">step</text>`);

  for (const g of L.groups) {
    out.push(`<g class="fl-proc" data-pid="${g.pid}">`);
    out.push(`<rect x="2" y="${g.y - 2}" width="${width - 4}" height="${g.h + 4}" rx="6" fill="currentColor" fill-opacity="0.04" stroke="currentColor" stroke-opacity="0.25"/>`);
    out.push(`<text x="8" y="${g.y + 12}" font-weight="600" fill="currentColor">${esc(g.label)}</text>`);
    out.push(`</g>`);
  }

  for (const [key, lane] of L.lanes) {
    const cy = lane.y + LANE_H / 2;
    if (lane.ghost) {
      out.push(`<g class="fl-ghost" data-lock="${esc(lane.ghost.lock)}" data-owner="${lane.ghost.owner}">`);
      out.push(`<text x="14" y="${cy + 4}" fill="currentColor" font-weight="700">⚠ ${esc(lane.ghost.lock)}</text>`);
      out.push(`<text x="${LABEL_W - 6}" y="${cy + 4}" text-anchor="end" fill="currentColor" font-size="10">owner ${lane.ghost.owner}: gone</text>`);
      out.push(`</g>`);
      continue;
    }
    const isStuck = L.stuckTids.has(lane.tid);
    const to = lane.to ?? (isStuck ? L.last + 1 : L.last + 1);
    out.push(`<g class="fl-lane" data-tid="${lane.tid}" data-key="${esc(key)}">`);
    out.push(`<text x="14" y="${cy + 4}" fill="currentColor">thread ${esc(lane.label)}</text>`);
    out.push(`<line x1="${x(lane.from)}" y1="${cy}" x2="${x(to)}" y2="${cy}" stroke="currentColor" stroke-width="2" stroke-opacity="0.55"${lane.to === null && !isStuck ? ' stroke-dasharray="3 3"' : ''}/>`);
    out.push(`</g>`);
  }

  for (const b of L.bars) {
    const lane = L.lanes.get(b.lane);
    if (!lane) continue;
    const to = b.to ?? L.last + 1;
    const x0 = x(b.from) - STEP_W / 2 + 1;
    const w = Math.max(x(to) - x(b.from), 4);
    if (b.kind === 'held') {
      out.push(`<rect class="fl-held" x="${x0}" y="${lane.y + 3}" width="${w}" height="7" rx="2" fill="#0072B2"><title>${esc(`thread ${lane.tid} holds ${b.label} from step ${b.from}${b.to === null ? ' to the end' : ` to step ${b.to}`}`)}</title></rect>`);
      out.push(`<text x="${x0 + 2}" y="${lane.y + 2}" font-size="9" fill="currentColor">${esc(b.label)}</text>`);
    } else if (b.kind === 'blocked') {
      const forever = b.to === null && L.stuckTids.has(lane.tid);
      out.push(`<rect class="fl-blocked" x="${x0}" y="${lane.y + 12}" width="${w}" height="10" fill="url(#${id}-hatch)" stroke="#B36B00"><title>${esc(`thread ${lane.tid} ${b.label}${forever ? ', forever' : ''}`)}</title></rect>`);
    } else {
      out.push(`<rect class="fl-orphan" x="${x0}" y="${lane.y + 5}" width="${w}" height="14" fill="url(#${id}-orphan)" stroke="#D55E00" stroke-width="1.5" stroke-dasharray="4 2"><title>${esc(`${b.label} is locked in process ${lane.pid} by thread ${lane.tid}, which does not exist in this process: fork left it behind`)}</title></rect>`);
    }
  }

  // Fork: the birth of a process, drawn from the forking thread to the child's first lane.
  for (const f of L.forks) {
    const src = L.lanes.get(String(f.from.tid));
    const child = [...L.lanes.values()].find((l) => l.pid === f.child && !l.ghost);
    const grp = L.groups.find((g) => g.pid === f.child);
    if (!src) continue;
    const cy0 = src.y + LANE_H / 2;
    const cy1 = child ? child.y + LANE_H / 2 : grp ? grp.y + 10 : cy0;
    out.push(`<g class="fl-fork"><title>${esc(`thread ${f.from.tid} calls ${f.raw ? '_Fork' : 'fork'}: process ${f.child} is born with one thread`)}</title>`);
    out.push(`<path d="M${x(f.step)} ${cy0} C ${x(f.step) + 10} ${cy0}, ${x(f.step) + 4} ${cy1}, ${x(f.step) + 14} ${cy1}" fill="none" stroke="#009E73" stroke-width="2.5"/>`);
    out.push(`<circle cx="${x(f.step)}" cy="${cy0}" r="5" fill="#009E73"/>`);
    out.push(`<text x="${x(f.step) + 8}" y="${cy0 - 6}" font-size="10" font-weight="600" fill="currentColor">${f.raw ? '_Fork' : 'fork'}</text>`);
    out.push(`</g>`);
  }
  for (const c of L.creates) {
    const a = L.lanes.get(String(c.tid));
    const b = L.lanes.get(String(c.child));
    if (!a || !b) continue;
    out.push(`<line class="fl-create" x1="${x(c.step)}" y1="${a.y + LANE_H / 2}" x2="${x(b.from)}" y2="${b.y + LANE_H / 2}" stroke="currentColor" stroke-opacity="0.4" stroke-dasharray="2 2"/>`);
  }

  // Event dots, each with its description for hover and assistive technology.
  for (const e of events) {
    const lane = L.lanes.get(String(e.tid));
    if (!lane) continue;
    const cy = lane.y + LANE_H / 2;
    out.push(`<circle class="fl-ev" data-step="${e.step}" cx="${x(e.step)}" cy="${cy}" r="2.5" fill="currentColor"><title>${esc(`step ${e.step}: ${describeEvent(e)}`)}</title></circle>`);
  }

  for (const m of L.marks) {
    const lane = L.lanes.get(String(m.tid));
    if (!lane) continue;
    const cy = lane.y + LANE_H / 2;
    out.push(`<g class="fl-mark fl-mark-${m.kind}"><title>${esc(m.text)}</title><rect x="${x(m.step) - 6}" y="${cy - 6}" width="12" height="12" fill="#CC79A7" stroke="currentColor"/><text x="${x(m.step)}" y="${cy + 4}" text-anchor="middle" font-size="10" font-weight="700" fill="#000">!</text></g>`);
  }

  // Stuck forever: a cross at the end of the lane and words beside it.
  for (const s of stuck) {
    const lane = L.lanes.get(String(s.tid));
    if (!lane) continue;
    const cy = lane.y + LANE_H / 2;
    const cx = endX;
    out.push(`<g class="fl-stuck" data-tid="${s.tid}"><title>${esc(s.sentence)}</title>`);
    out.push(`<path d="M${cx - 6} ${cy - 6} L${cx + 6} ${cy + 6} M${cx + 6} ${cy - 6} L${cx - 6} ${cy + 6}" stroke="#D55E00" stroke-width="3"/>`);
    out.push(`<text x="${cx + 10}" y="${cy + 4}" font-weight="700" fill="currentColor">stuck forever</text>`);
    out.push(`</g>`);
  }

  if (opts.step !== undefined) {
    out.push(`<line class="fl-cursor" x1="${x(opts.step)}" y1="18" x2="${x(opts.step)}" y2="${height - 4}" stroke="#CC79A7" stroke-width="2"/>`);
  }
  out.push(`</svg>`);
  return out.join('\n');
}
