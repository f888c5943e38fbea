// Forced replay, behind `forklore reproduce` (sim/cli-reproduce.ts), the reality test, the bench and the
// pages' download: turn a counterexample schedule of the simulator into a C program that forces the same
// interleaving on real threads (the runtime is include/forklore-replay.h; steps.ts reads the schedule).
import { decodeSchedule, encodeSchedule } from '../explore/schedule.ts';
import type { Program } from '../types.ts';
import { dependent, groupSteps, modelSteps, normalize, type Group, type ModelStep } from './steps.ts';

export { groupSteps, modelSteps, normalize, type Group, type ModelStep } from './steps.ts';

/** Block flags, as include/forklore-replay.h reads them. */
export const FLAG = { split: 1, noreturn: 2, holdStdout: 4, holdArena: 8 } as const;

/** One row of the replay header's block table. */
export interface Block {
  tid: number;
  call: string;
  first: number;
  /** The turn to hand on after the first run of the call's own steps (split calls). */
  release: number;
  /** The first step of the call's last run of own steps (split calls). */
  resume: number;
  last: number;
  split: boolean;
  noreturn: boolean;
  /** glibc locks the model's call holds while other steps happen inside it, held for real by the replay. */
  hold: ('stdout' | 'arena')[];
}

/** One row of the owed table: a step without a wrapped call, or a signal delivery. */
export interface Owed {
  tid: number;
  step: number;
  op: string;
  /** For a delivery: the signal, and the turn at which its thread unblocks it (-1: at the delivery's turn). */
  signal?: { name: string; open: number };
}

export interface Reproducer {
  /** The schedule after normalize(), as a schedule string. */
  schedule: string;
  blocks: Block[];
  owed: Owed[];
  /** What the replay cannot force faithfully; empty when every decisive step is forced. */
  notForceable: string[];
  /** How the forcing differs from the program run as it is (forced all the same). */
  caveats: string[];
  source: string;
}

/** The texts of include/forklore-replay.h and include/forklore.h, to make a reproducer self-contained. */
export interface ReplayHeaders {
  replay: string;
  plash: string;
  /** include/support/NAME by NAME, for the programs that #include "support/NAME" (tst-fork1's driver). */
  support?: Record<string, string>;
}

/** Calls that may be split (other steps happen inside them) and what the replay does to hold them open. */
const SPLIT_OK = new Set(['pthread_mutex_lock', 'pthread_join', 'waitpid', 'printf', 'malloc', 'free', 'fork']);
/** The glibc locks a held-open call may hold, by the model's name, and how the replay takes them. */
const HOLDABLE: Record<string, 'stdout' | 'arena'> = { stdout_lock: 'stdout', main_arena: 'arena' };

/** The glibc locks a thread's call holds after the steps `upTo` (granted and not released). */
function heldLocks(steps: ModelStep[], indices: number[]): string[] {
  const held: string[] = [];
  for (const i of indices) {
    const s = steps[i]!;
    const m = /^__libc_lock_(lock|unlock)\((\w+)\)/.exec(s.op);
    if (!m) continue;
    if (m[1] === 'unlock') held.splice(held.indexOf(m[2]!), 1);
    else if (s.events.some((e) => e.type === 'mutex.lock')) held.push(m[2]!);
  }
  return held;
}

const stepList = (g: { steps: number[] }) => g.steps.map((i) => i + 1).join(', ');

/**
 * Turns the groups of the (normalized) schedule into the header's blocks, listing on `notForceable`
 * what the replay cannot hold open.
 */
function makeBlocks(steps: ModelStep[], groups: Group[], notForceable: string[]): Block[] {
  const lastStepOf = new Map<number, number>();
  for (const s of steps) lastStepOf.set(s.tid, s.index);
  return groups.map((g) => {
    const runs: number[][] = [];
    for (const i of g.steps) {
      const run = runs.at(-1);
      if (run && run.at(-1) === i - 1) run.push(i);
      else runs.push([i]);
    }
    const lastStep = steps[g.steps.at(-1)!]!;
    const blockedForGood =
      lastStepOf.get(g.tid) === lastStep.index && lastStep.events.some((e) => e.type === 'futex.wait');
    const held = g.held === true;
    const split = runs.length > 1;
    const where = `${g.call} of thread ${g.tid} (steps ${stepList(g)})`;
    // fork: a handler's or another thread's steps may come between its prepare step and its internal
    // locks (the replay's own atfork prepare handler, the last to run, waits there), nowhere else.
    const forkOk = g.call !== 'fork' || !split || (runs.length === 2 && runs[0]!.length === 1);
    if ((split || held) && (!SPLIT_OK.has(g.call) || !forkOk)) {
      notForceable.push(
        g.call === 'fork'
          ? `${where}: other steps happen between glibc's internal locks in fork and the clone, and a real fork() does not stop there`
          : `${where}: other threads' steps happen inside it, and nothing outside glibc can hold it open`,
      );
    }
    if (runs.length > 2)
      notForceable.push(
        `${g.call} of thread ${g.tid} is split ${runs.length} ways: only the first and the last part are forced`,
      );
    const hold: Block['hold'] = [];
    if ((split || held) && g.call !== 'fork') {
      for (const name of heldLocks(steps, runs[0]!)) {
        const h = HOLDABLE[name];
        if (h && !hold.includes(h)) hold.push(h);
        else if (!h)
          notForceable.push(
            `${where} holds ${name} across other steps: the replay cannot take that lock from outside glibc`,
          );
      }
    }
    // The model gives threads arenas as glibc does: a call it has holding main_arena holds it on Linux
    // too, whichever thread makes it (ch4-malloc-buggy's second thread frees a block of main_arena).
    return {
      tid: g.tid,
      call: g.call,
      first: g.steps[0]!,
      release: runs[0]!.at(-1)! + 1,
      resume: runs.at(-1)![0]!,
      last: g.steps.at(-1)!,
      split,
      // A fork that does not reach its clone in the schedule (a prepare handler blocks for good) does not return.
      noreturn:
        blockedForGood ||
        held ||
        g.call === '_exit' ||
        (g.call === 'fork' && !g.steps.some((i) => steps[i]!.op === 'fork: clone')),
      hold,
    };
  });
}

/**
 * How each signal delivery is forced. The replay keeps the schedule's signals blocked in every thread;
 * the real pthread_kill or kill runs at its own step, and the signal stays pending until its thread
 * unblocks it. Sent after the thread's last step before the delivery: it unblocks it at that step (it
 * may be inside a call held open, as the model's thread is), the kernel delivers it at once, and the
 * handler (the replay's trampoline) waits for the delivery's turn. Sent earlier: the thread unblocks it
 * at the delivery's own turn, which it can only do between its calls.
 */
function deliveries(steps: ModelStep[], owed: ModelStep[], blocks: Block[], notForceable: string[]): Owed[] {
  return owed.map((o): Owed => {
    const base = { tid: o.tid, step: o.index, op: o.op };
    if (!o.signal) return base;
    const sig = o.signal;
    const sent = steps
      .slice(0, o.index)
      .reverse()
      .find((x) =>
        x.events.some((e) => e.type === 'signal.send' && e.sig === sig && e.target === (e.targetIsPid ? o.pid : o.tid)),
      );
    const j = steps.slice(0, o.index).findLast((x) => x.tid === o.tid)?.index ?? -1;
    const at = `the delivery of ${sig} to thread ${o.tid} (step ${o.index + 1})`;
    if (!sent) {
      notForceable.push(`${at}: no step of the schedule sent it`);
      return { ...base, signal: { name: sig, open: -1 } };
    }
    if (sent.index > j) {
      // Delivered for real right after the send: the other threads' steps in between must not see it.
      const seen = steps.slice(sent.index + 1, o.index).find((x) => x.tid !== o.tid && dependent(x, o));
      if (seen)
        notForceable.push(
          `${at}: the kernel delivers it at once after ${sent.op} (step ${sent.index + 1}), before ${seen.op} of thread ${seen.tid} (step ${seen.index + 1}) that the model puts first`,
        );
      return { ...base, signal: { name: sig, open: j + 1 } };
    }
    const inside = blocks.find((b) => b.tid === o.tid && b.first <= j && (b.noreturn || b.last > o.index));
    if (inside)
      notForceable.push(
        `${at}: it was sent (step ${sent.index + 1}) before the thread's step ${j + 1}, and comes while the thread is inside ${inside.call}, where the replay cannot unblock it`,
      );
    return { ...base, signal: { name: sig, open: -1 } };
  });
}

/**
 * The program's own includes of the project's headers, inlined: "forklore.h" (inlined above, in the
 * replay header) becomes a comment on its line, and "support/NAME" its text between #line directives,
 * so that gcc's messages still name the program's lines.
 */
function inlineIncludes(cSource: string, cName: string, headers: ReplayHeaders): string {
  return cSource
    .split('\n')
    .map((line, i) => {
      const m = /^[ \t]*#[ \t]*include[ \t]+(?:"([^"]+)"|<(support\/[^>]+)>)/.exec(line);
      if (!m) return line;
      const path = m[1] ?? m[2]!;
      if (path === 'forklore.h') return '/* #include "forklore.h": inlined above */';
      const name = /^support\/(.+)$/.exec(path)?.[1];
      if (name === undefined) return line;
      const text = headers.support?.[name];
      if (text === undefined) throw new Error(`${cName}.c includes ${path}, which the replay cannot inline`);
      return [
        `/* #include ${path}: inlined here */`,
        `#line 1 "include/${path}"`,
        text,
        `#line ${i + 2} "${cName}.c"`,
      ].join('\n');
    })
    .join('\n');
}

/**
 * Builds the reproducer for `program` (the model of `cSource`, from sim/c or the TypeScript twin).
 * With `headers`, the file is self-contained (the headers are inlined: `gcc -pthread repro.c` is enough,
 * as for a download); without, it includes "forklore-replay.h" (gcc -I include).
 */
export function reproduce(
  program: Program,
  schedule: string,
  cSource: string,
  cName: string,
  headers?: ReplayHeaders,
): Reproducer {
  const original = modelSteps(program, schedule);
  const first = groupSteps(original);
  const order = normalize(original, first.groups);
  // Re-run the reordered schedule: it must be a schedule of the program with the same findings.
  const ids = order.map((s) => decodeSchedule(schedule)[s.index]!);
  const encoded = encodeSchedule(ids);
  let steps: ModelStep[];
  try {
    steps = modelSteps(program, encoded);
  } catch {
    steps = original;
  }
  const grouped = groupSteps(steps);
  const notForceable = [...grouped.problems];
  // Where a replay would run the program otherwise than by default (FL_ONE_ARENA): none since the model has glibc's arenas.
  const caveats: string[] = [];
  const blocks = makeBlocks(steps, grouped.groups, notForceable);
  const owed = deliveries(steps, grouped.owed, blocks, notForceable);
  // Memory steps run when the thread gets there, not at their turn: say so where another thread's
  // step in between touches the same object.
  for (const o of owed) {
    if (o.signal || !/^(load|store)\(/.test(o.op)) continue;
    const mine = steps[o.step]!;
    const prevCall = blocks.filter((b) => b.tid === o.tid && b.last < o.step).at(-1);
    const created = steps.findIndex((x) =>
      x.events.some(
        (e) => (e.type === 'thread.create' || e.type === 'fork') && (e as { child?: number }).child === o.tid,
      ),
    );
    const from = Math.max(prevCall ? prevCall.last + 1 : 0, created + 1);
    const racing = steps.slice(from, o.step).find((x) => x.tid !== o.tid && dependent(x, mine));
    if (racing)
      notForceable.push(
        `${o.op} of thread ${o.tid} (step ${o.step + 1}) runs as soon as its thread gets there, before ${racing.op} of thread ${racing.tid} (step ${racing.index + 1}) that the model puts first`,
      );
  }
  const signals = [...new Set(owed.flatMap((o) => (o.signal ? [o.signal.name] : [])))];
  const plash = /#include\s+"forklore\.h"/.test(cSource);
  const q = (t: string) => JSON.stringify(t);
  const flags = (b: Block) =>
    (b.split ? FLAG.split : 0) |
    (b.noreturn ? FLAG.noreturn : 0) |
    (b.hold.includes('stdout') ? FLAG.holdStdout : 0) |
    (b.hold.includes('arena') ? FLAG.holdArena : 0);
  const rows = blocks.map(
    (b) => `  { ${b.tid}, ${q(b.call)}, ${b.first}, ${b.release}, ${b.resume}, ${b.last}, ${flags(b)} },`,
  );
  const owedRows = owed.map(
    (o) =>
      `  { ${o.tid}, ${o.step}, ${o.signal ? `${o.signal.name}, ${o.signal.open}` : '0, -1'} },  /* ${o.op.replace(/\*\//g, '* /')} */`,
  );
  const compileLine = headers
    ? `// Compile: gcc -std=gnu11 -Wall -Wextra -Werror -pthread -o repro repro.c   (self-contained: the replay headers are inlined)`
    : `// Compile: gcc -std=gnu11 -Wall -Wextra -Werror -pthread -I include -o repro repro.c`;
  // Inlined headers: forklore.h inside the replay header, and the program's own #include "forklore.h"
  // (which gcc would look for on disk) becomes a comment on the same line, so line numbers hold.
  const includeReplay = headers
    ? [
        `// ---- include/forklore-replay.h, inlined ----`,
        headers.replay.replace(/^#\s*include\s+"forklore\.h".*$/m, plash ? headers.plash : ''),
        `// ---- end of the inlined headers ----`,
      ].join('\n')
    : '#include "forklore-replay.h"';
  const programText = headers ? inlineIncludes(cSource, cName, headers) : cSource;
  const source = [
    `// A forced replay of ${cName}.c: the simulator's counterexample, made to happen on real threads.`,
    `// Made by forklore reproduce (sim/reproduce) from the schedule ${encoded}`,
    compileLine,
    `// Run:     timeout 10 ./repro; echo $?    (124: it hung, as the simulator says every run of this must)`,
    `// Status 3 with a "forklore-replay:" line on stderr: the real run left the schedule.`,
    ...(notForceable.length
      ? ['// Not forced (the replay may still hang, but not by construction):', ...notForceable.map((n) => `//   ${n}`)]
      : []),
    ...(caveats.length
      ? ['// Forced with a difference from the program as it runs by default:', ...caveats.map((n) => `//   ${n}`)]
      : []),
    ...(plash ? ['#define FL_PLASH 1'] : []),
    ...(caveats.length ? ['#define FL_ONE_ARENA 1'] : []),
    includeReplay,
    '',
    'static const struct fl_block fl_schedule_blocks[] = {',
    '  /* tid, call, first, release, resume, last, flags (1 split, 2 no return, 4 holds stdout, 8 holds main_arena) */',
    ...rows,
    '};',
    'static const struct fl_owed fl_schedule_owed[] = {',
    '  /* tid, step, signal delivered (0: none), turn at which the thread unblocks it (-1: its own) */',
    ...owedRows,
    '  { -1, -1, 0, -1 },  /* end */',
    '};',
    `static const int fl_schedule_signals[] = { ${[...signals, '0'].join(', ')} };`,
    'FL_SCHEDULE(fl_schedule_blocks, fl_schedule_owed, fl_schedule_signals)',
    '',
    `#line 1 "${cName}.c"`,
    programText,
  ].join('\n');
  return { schedule: encoded, blocks, owed, notForceable, caveats, source };
}
