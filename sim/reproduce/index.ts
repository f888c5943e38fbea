// Forced replay, behind `forklore reproduce` (sim/cli.ts), the reality test and the bench: turn a counterexample
// schedule of the simulator into a C program that forces the same interleaving on real threads.
import { createRun } from '../world/index.ts';
import { decodeSchedule, encodeSchedule } from '../explore/schedule.ts';
import type { Access, Program } from '../types.ts';
import type { TraceEvent } from '../events.ts';

/** One model step of the schedule, as the world ran it. */
export interface ModelStep {
  index: number;
  tid: number;
  pid: number;
  /** The thread's pending operation in words before the step (describeOp), e.g. "pthread_mutex_lock(m)". */
  op: string;
  events: TraceEvent[];
  accesses: Access[];
}

/** Replays `schedule` step by step, keeping each step's operation, events and accesses. */
export function modelSteps(program: Program, schedule: string): ModelStep[] {
  const run = createRun(program, {});
  const steps: ModelStep[] = [];
  let seen = 0;
  for (const [index, id] of decodeSchedule(schedule).entries()) {
    const t = run.enabled().find((x) => x.id === id);
    if (!t)
      throw new Error(
        `the schedule does not fit the program at step ${index + 1}: ${id} cannot run (enabled: ${
          run
            .enabled()
            .map((x) => x.id)
            .join(', ') || 'none'
        })`,
      );
    const snap = run.snapshot() as { processes: { threads: { tid: number; next: string | null }[] }[] };
    const op = snap.processes.flatMap((p) => p.threads).find((x) => x.tid === t.tid)?.next ?? '?';
    const { accesses } = run.step(id);
    const trace = run.trace();
    steps.push({ index, tid: t.tid, pid: t.pid, op, events: trace.slice(seen), accesses });
    seen = trace.length;
  }
  return steps;
}

/** The real calls the replay header wraps (include/forklore-replay.h). */
const WRAPPED = new Set([
  'pthread_create',
  'pthread_join',
  'pthread_exit',
  'pthread_mutex_lock',
  'pthread_mutex_unlock',
  'pthread_mutex_trylock',
  'pthread_mutex_init',
  'close',
  'dup2',
  'write',
  'waitpid',
  'malloc',
  'free',
  'fork',
  '_Fork',
  '_exit',
  'printf',
  'clone_connection',
]);
/** Split calls the header can hold open across other threads' steps (see the header). */
const SPLIT_OK = new Set(['pthread_mutex_lock', 'pthread_join', 'waitpid', 'printf', 'malloc', 'free']);
/** Split calls held open by parking in malloc_stats(), which needs glibc to use one arena. */
const PARKED = new Set(['malloc', 'free']);

/** A real call of one thread, and the model steps it stands for. */
export interface Group {
  tid: number;
  call: string;
  steps: number[];
}

const internal = (op: string) => op.startsWith('__libc_lock_');

/**
 * Groups each thread's model steps into the real calls a C program makes: a libc call (between its
 * enter and leave events) is one real call however many steps it takes; glibc's fork is its
 * prepare step, its internal locks, the clone and the parent's unlocks; clone_connection is its
 * sendmsg and recvmsg. Steps that stand for no wrapped call (memory, unwrapped calls) are owed.
 */
export function groupSteps(steps: ModelStep[]): { groups: Group[]; owed: ModelStep[]; problems: string[] } {
  const groups: Group[] = [];
  const owed: ModelStep[] = [];
  const problems: string[] = [];
  const stack = new Map<number, string[]>();
  const open = new Map<number, Group>();
  const forkPhase = new Map<number, 'prepare' | 'parent'>();
  const push = (tid: number, fn: string) => (stack.get(tid) ?? stack.set(tid, []).get(tid)!).push(fn);
  const close = (tid: number) => {
    const g = open.get(tid);
    if (g) {
      if (WRAPPED.has(g.call)) groups.push(g);
      else for (const i of g.steps) owed.push(steps[i]!);
      open.delete(tid);
    }
  };
  for (const s of steps) {
    const depth = stack.get(s.tid)?.length ?? 0;
    const phase = forkPhase.get(s.tid);
    if (phase === 'parent' && !s.op.startsWith('__libc_lock_unlock')) {
      forkPhase.delete(s.tid);
      close(s.tid);
    }
    if (forkPhase.has(s.tid)) {
      if (phase === 'prepare' && !internal(s.op) && s.op !== 'fork: clone') {
        problems.push(`step ${s.index + 1}: ${s.op} inside fork (an atfork handler): handlers are not forced yet`);
      }
      open.get(s.tid)!.steps.push(s.index);
      if (s.op === 'fork: clone') forkPhase.set(s.tid, 'parent');
    } else if (s.op === 'fork: prepare') {
      close(s.tid);
      open.set(s.tid, { tid: s.tid, call: 'fork', steps: [s.index] });
      forkPhase.set(s.tid, 'prepare');
    } else if (depth > 0) {
      const g = open.get(s.tid);
      if (g && g.call === stack.get(s.tid)![0]) g.steps.push(s.index);
      else {
        close(s.tid);
        open.set(s.tid, { tid: s.tid, call: stack.get(s.tid)![0]!, steps: [s.index] });
      }
    } else {
      close(s.tid);
      const name = /^([A-Za-z_]\w*)/.exec(s.op)?.[1] ?? s.op;
      if (name === 'sendmsg') open.set(s.tid, { tid: s.tid, call: 'clone_connection', steps: [s.index] });
      else if (name === 'recvmsg') {
        const g = [...groups].reverse().find((x) => x.tid === s.tid);
        if (g && g.call === 'clone_connection') g.steps.push(s.index);
        else owed.push(s);
      } else if (WRAPPED.has(name)) groups.push({ tid: s.tid, call: name, steps: [s.index] });
      else owed.push(s);
    }
    // The call stack after this step's events (enter events come when a thread reaches its next call).
    for (const e of s.events) {
      if (e.type !== 'libc.call') continue;
      const fn = (e as { fn: string }).fn;
      if (fn === 'fork') continue;
      if ((e as { phase: string }).phase === 'enter') push(e.tid, fn);
      else {
        stack.get(e.tid)?.pop();
        if ((stack.get(e.tid)?.length ?? 0) === 0) {
          const g = open.get(e.tid);
          if (g && g.steps.includes(s.index) && !forkPhase.has(e.tid)) close(e.tid);
        }
      }
    }
  }
  for (const tid of [...open.keys()]) close(tid);
  groups.sort((a, b) => a.steps[0]! - b.steps[0]!);
  owed.sort((a, b) => a.index - b.index);
  return { groups, owed, problems };
}

const overlaps = (a: string, b: string) =>
  a === b || (a.endsWith('/*') && b.startsWith(a.slice(0, -1))) || (b.endsWith('/*') && a.startsWith(b.slice(0, -1)));

/** Steps that cannot trade places: same thread, a common object one of them writes, or one creates the other's thread. */
function dependent(a: ModelStep, b: ModelStep): boolean {
  if (a.tid === b.tid) return true;
  const creates = (x: ModelStep, y: ModelStep) =>
    x.events.some(
      (e) => (e.type === 'thread.create' || e.type === 'fork') && (e as { child?: number }).child === y.tid,
    );
  if (creates(a, b) || creates(b, a)) return true;
  return a.accesses.some((x) => b.accesses.some((y) => (x.write || y.write) && overlaps(x.obj, y.obj)));
}

/**
 * Reorders the schedule, by swapping adjacent independent steps only (so the run is the same
 * Mazurkiewicz trace, with the same outcome), so that each real call's model steps are next to each
 * other where that is possible: a real fork() cannot stop between glibc's internal locks and the
 * clone while another thread takes a step, but that step can go first when it is independent.
 */
export function normalize(steps: ModelStep[], groups: Group[]): ModelStep[] {
  const order = steps.slice();
  const pos = (i: number) => order.findIndex((s) => s.index === i);
  for (const g of groups) {
    if (g.steps.length < 2) continue;
    const mine = new Set(g.steps);
    for (;;) {
      const first = pos(g.steps[0]!);
      const last = pos(g.steps.at(-1)!);
      let moved = false;
      for (let p = first + 1; p < last && !moved; p++) {
        const f = order[p]!;
        if (mine.has(f.index)) continue;
        if (order.slice(first, p).every((x) => !dependent(x, f))) {
          order.splice(p, 1);
          order.splice(first, 0, f);
          moved = true;
        } else if (order.slice(p + 1, last + 1).every((x) => !dependent(x, f))) {
          order.splice(p, 1);
          order.splice(last, 0, f);
          moved = true;
        }
      }
      if (!moved) break;
    }
  }
  return order;
}

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
}

export interface Reproducer {
  /** The schedule after normalize(), as a schedule string. */
  schedule: string;
  blocks: Block[];
  owed: { tid: number; step: number; op: string }[];
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
  const signals = original.filter((s) => s.op === '?' || /!/.test(decodeSchedule(schedule)[s.index]!));
  const signalNote = signals.length
    ? [
        `signal delivery (step${signals.length > 1 ? 's' : ''} ${signals.map((s) => s.index + 1).join(', ')}): the replay does not force when a signal arrives yet`,
      ]
    : [];
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
  const { groups, owed, problems } = groupSteps(steps);
  const notForceable = [...signalNote, ...problems];
  const caveats: string[] = [];
  const lastStepOf = new Map<number, number>();
  for (const s of steps) lastStepOf.set(s.tid, s.index);
  const blocks: Block[] = groups.map((g) => {
    const runs: number[][] = [];
    for (const i of g.steps) {
      const run = runs.at(-1);
      if (run && run.at(-1) === i - 1) run.push(i);
      else runs.push([i]);
    }
    const lastStep = steps[g.steps.at(-1)!]!;
    const blockedForGood =
      lastStepOf.get(g.tid) === lastStep.index && lastStep.events.some((e) => e.type === 'futex.wait');
    const split = runs.length > 1;
    if (split && !SPLIT_OK.has(g.call)) {
      notForceable.push(
        `${g.call} of thread ${g.tid} (steps ${g.steps.map((i) => i + 1).join(', ')}): other threads' steps happen inside it, and nothing outside glibc can hold it open`,
      );
    }
    if (split && PARKED.has(g.call) && !blockedForGood) {
      caveats.push(
        `${g.call} of thread ${g.tid} (steps ${g.steps.map((i) => i + 1).join(', ')}) is held open by parking the thread in malloc_stats(), which holds main_arena, with glibc limited to one arena as in the model (mallopt M_ARENA_MAX 1): by default glibc gives each thread its own arena, and then this thread never holds main_arena`,
      );
    }
    if (runs.length > 2)
      notForceable.push(
        `${g.call} of thread ${g.tid} is split ${runs.length} ways: only the first and the last part are forced`,
      );
    return {
      tid: g.tid,
      call: g.call,
      first: g.steps[0]!,
      release: runs[0]!.at(-1)! + 1,
      resume: runs.at(-1)![0]!,
      last: g.steps.at(-1)!,
      split,
      noreturn: blockedForGood || g.call === '_exit',
    };
  });
  // Memory steps run when the thread gets there, not at their turn: say so where another thread's
  // step in between touches the same object.
  for (const o of owed) {
    if (!/^(load|store)\(/.test(o.op)) continue;
    const prevCall = blocks.filter((b) => b.tid === o.tid && b.last < o.index).at(-1);
    const created = steps.findIndex((x) =>
      x.events.some(
        (e) => (e.type === 'thread.create' || e.type === 'fork') && (e as { child?: number }).child === o.tid,
      ),
    );
    const from = Math.max(prevCall ? prevCall.last + 1 : 0, created + 1);
    const racing = steps.slice(from, o.index).find((x) => x.tid !== o.tid && dependent(x, o));
    if (racing)
      notForceable.push(
        `${o.op} of thread ${o.tid} (step ${o.index + 1}) runs as soon as its thread gets there, before ${racing.op} of thread ${racing.tid} (step ${racing.index + 1}) that the model puts first`,
      );
  }
  const plash = /#include\s+"forklore\.h"/.test(cSource);
  const q = (t: string) => JSON.stringify(t);
  const rows = blocks.map(
    (b) =>
      `  { ${b.tid}, ${q(b.call)}, ${b.first}, ${b.release}, ${b.resume}, ${b.last}, ${(b.split ? 1 : 0) | (b.noreturn ? 2 : 0)} },`,
  );
  const owedRows = owed.map((o) => `  { ${o.tid}, ${o.index} },  /* ${o.op.replace(/\*\//g, '* /')} */`);
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
  const programText = headers
    ? cSource.replace(/^[ \t]*#[ \t]*include[ \t]+"forklore\.h".*$/gm, '/* #include "forklore.h": inlined above */')
    : cSource;
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
    '  /* tid, call, first, release, resume, last, flags (1 split, 2 no return) */',
    ...rows,
    '};',
    'static const struct fl_owed fl_schedule_owed[] = {',
    ...owedRows,
    '  { -1, -1 },  /* end */',
    '};',
    'FL_SCHEDULE(fl_schedule_blocks, fl_schedule_owed)',
    '',
    `#line 1 "${cName}.c"`,
    programText,
  ].join('\n');
  return {
    schedule: encoded,
    blocks,
    owed: owed.map((o) => ({ tid: o.tid, step: o.index, op: o.op })),
    notForceable,
    caveats,
    source,
  };
}
