// stateAt, the state after step N rebuilt from a trace, against the world's own snapshot after every
// step of every example's counterexample: processes, each thread's state (running, blocked or ended)
// and what a blocked one waits for, the locks held and by whom, shared variables and descriptors must
// agree.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  cell,
  cond,
  load,
  mutex,
  pthread_cond_wait,
  pthread_create,
  pthread_join,
  pthread_mutex_lock,
  pthread_mutex_unlock,
} from '../../sim/api/index.ts';
import { explore, replay } from '../../sim/explore/index.ts';
import { decodeSchedule, encodeSchedule } from '../../sim/explore/schedule.ts';
import { stateAt, type StateAfter } from '../../sim/render/state.ts';
import type { Expected, Program, WaitTarget, WorldSnapshot } from '../../sim/types.ts';
import { prog } from './world-helpers.ts';

const dir = fileURLToPath(new URL('../../content/examples/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const withBug = (
  await Promise.all(
    names.map(async (name) => {
      const mod = (await import(`../../content/examples/${name}.ts`)) as {
        default: Program['main'];
        options?: Program['options'];
        expected?: Expected;
      };
      const program: Program = { main: mod.default, options: mod.options ?? {}, name };
      return { name, program, verdict: mod.expected?.verdict };
    }),
  )
).filter((e) => e.verdict !== undefined && e.verdict !== 'ok');

// No example's counterexample leaves a thread asleep on a condition variable: this one does.
const m = mutex('m');
const cv = cond('cv');
const ready = cell('ready', 0);
function* waitReady(): Generator<unknown, void, unknown> {
  yield* pthread_mutex_lock(m);
  while ((yield* load(ready)) === 0) yield* pthread_cond_wait(cv, m);
  yield* pthread_mutex_unlock(m);
}
const unsignalled = prog(function* unsignalled() {
  const t = yield* pthread_create(waitReady);
  yield* pthread_join(t);
});
const programs = [...withBug, { name: 'a waiter nobody signals', program: unsignalled }];

/**
 * Calls that wait without taking a step: the trace shows nothing of them until they return, so the
 * rebuilt state has their thread running where the world has it blocked.
 */
const STEPLESS: ReadonlySet<WaitTarget['kind']> = new Set(['join', 'waitpid', 'sem', 'pipe']);

/**
 * The world's view, with each thread blocked in a stepless call that the trace has running shown as
 * running. Anything else the trace has for such a thread (blocked on another target, ended) stays
 * a difference.
 */
function seenByTrace(world: ReturnType<typeof fromWorld>, rebuilt: ReturnType<typeof fromTrace>) {
  return world.map((p) => ({
    ...p,
    threads: p.threads.map((t) => {
      const r = rebuilt.find((q) => q.pid === p.pid)?.threads.find((u) => u.tid === t.tid);
      const unseen = t.state === 'blocked' && !!t.waitsFor && STEPLESS.has(t.waitsFor.kind);
      return unseen && r?.state === 'running' ? r : t;
    }),
  }));
}

/** What both can tell: the trace has no futex words, no pending operations and no free locks. */
function fromWorld(s: WorldSnapshot) {
  return s.processes
    .map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      exited: p.exited,
      status: p.status,
      threads: p.threads
        .map((t) => ({
          tid: t.tid,
          state: t.state === 'runnable' ? 'running' : t.state,
          waitsFor: t.waitsFor ?? undefined,
        }))
        .sort((a, b) => a.tid - b.tid),
      locks: p.locks
        .filter((l) => l.owner !== 0)
        .map((l) => ({ name: l.name, owner: l.owner }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      cells: p.cells.map((c) => ({ name: c.name, value: c.value })).sort((a, b) => a.name.localeCompare(b.name)),
      fds: p.fds.map((f) => ({ fd: f.fd, path: f.path })),
    }))
    .sort((a, b) => a.pid - b.pid);
}

function fromTrace(s: StateAfter) {
  return s.processes
    .map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      exited: p.exited,
      status: p.status,
      threads: p.threads
        .map((t) => ({ tid: t.tid, state: t.status, waitsFor: t.waitsFor }))
        .sort((a, b) => a.tid - b.tid),
      locks: p.locks.map((l) => ({ name: l.name, owner: l.owner })).sort((a, b) => a.name.localeCompare(b.name)),
      cells: p.cells.map((c) => ({ name: c.name, value: c.value })).sort((a, b) => a.name.localeCompare(b.name)),
      fds: p.fds,
    }))
    .sort((a, b) => a.pid - b.pid);
}

describe.each(programs)('$name', ({ program }) => {
  it("the state rebuilt from the counterexample's trace matches the world's snapshot after every step", () => {
    const found = explore(program).findings[0]!;
    const ids = decodeSchedule(found.schedule);
    for (let n = 1; n <= ids.length; n++) {
      const world = replay(program, encodeSchedule(ids.slice(0, n))).snapshot();
      const rebuilt = fromTrace(stateAt(found.trace, n - 1, { plash: program.options.plash === true }));
      expect(rebuilt, `after step ${n - 1} of ${found.schedule}`).toEqual(seenByTrace(fromWorld(world), rebuilt));
    }
  }, 60_000);
});

describe('stateAt', () => {
  it('shows a lock a forked child copied from a thread it does not have as held by that thread, an orphan', () => {
    const ex = withBug.find((e) => e.name === 'fork-held-mutex')!;
    const found = explore(ex.program).findings[0]!;
    const end = stateAt(found.trace, Number.POSITIVE_INFINITY);
    const child = end.processes.find((p) => p.ppid !== 0)!;
    expect(child.locks.some((l) => l.orphan)).toBe(true);
    expect(child.threads.find((t) => t.status === 'blocked')?.waits).toMatch(/futex wait/);
  });
});
