// Unit tests of the explorer's strategies, bounds and schedule strings, against a small fake world.
import { describe, expect, it } from 'vitest';
import { search } from '../../sim/explore/search.ts';
import { countTraces, foataNormalForm } from '../../sim/explore/traces.ts';
import { createReplay, ReplayDivergedError } from '../../sim/explore/replay.ts';
import { execute } from '../../sim/explore/search.ts';
import { conflicts, overlaps } from '../../sim/explore/dependency.ts';
import { decodeSchedule, encodeSchedule } from '../../sim/explore/schedule.ts';
import { isLock, isWholeProcess, key } from '../../sim/access.ts';
import { isPlainId, parseId, plainId, signalId, spuriousId } from '../../sim/transition.ts';
import { createFakeRun, type FakeProgram, type Op } from './fake-world.ts';

const lockUnlock = (m: string): Op[] => [
  { op: 'lock', mutex: m },
  { op: 'unlock', mutex: m },
];

/** The Plash shape: a thread takes a lock while main forks; the child then takes the same lock. */
const forkWhileLocked: FakeProgram = {
  threads: [
    [
      { op: 'spawn', thread: 1 },
      { op: 'fork', child: lockUnlock('m') },
    ],
    lockUnlock('m'),
  ],
};

/** The fix: the lock is held across fork, so no other thread can hold it at that moment. */
const forkHoldingLock: FakeProgram = {
  threads: [
    [
      { op: 'spawn', thread: 1 },
      { op: 'lock', mutex: 'm' },
      { op: 'fork', child: [] },
      { op: 'unlock', mutex: 'm' },
    ],
    lockUnlock('m'),
  ],
};

const racyIncrement: FakeProgram = {
  threads: [
    [
      { op: 'spawn', thread: 1 },
      { op: 'read', cell: 'x' },
      { op: 'inc', cell: 'x' },
      { op: 'assert', cell: 'x', not: 1 },
    ],
    [
      { op: 'read', cell: 'x' },
      { op: 'inc', cell: 'x' },
    ],
  ],
  cells: ['x'],
};

const independent: FakeProgram = {
  threads: [
    [
      { op: 'spawn', thread: 1 },
      { op: 'spawn', thread: 2 },
      { op: 'write', cell: 'a', value: 1 },
      { op: 'write', cell: 'a', value: 2 },
    ],
    [
      { op: 'write', cell: 'b', value: 1 },
      { op: 'write', cell: 'b', value: 2 },
    ],
    [
      { op: 'write', cell: 'c', value: 1 },
      { op: 'write', cell: 'c', value: 2 },
    ],
  ],
};

const threeLockers: FakeProgram = {
  threads: [
    [{ op: 'spawn', thread: 1 }, { op: 'spawn', thread: 2 }, ...lockUnlock('m')],
    [
      { op: 'lock', mutex: 'm' },
      { op: 'write', cell: 'x', value: 1 },
      { op: 'unlock', mutex: 'm' },
    ],
    [
      { op: 'lock', mutex: 'm' },
      { op: 'write', cell: 'x', value: 2 },
      { op: 'unlock', mutex: 'm' },
    ],
  ],
};

const withChoice: FakeProgram = {
  threads: [
    [{ op: 'spawn', thread: 1 }, { op: 'choose' }, { op: 'write', cell: 'x', value: 1 }],
    [{ op: 'read', cell: 'x' }],
  ],
};

const check = (p: FakeProgram, options: Parameters<typeof search>[1] = {}) => search(() => createFakeRun(p), options);

describe('dpor', () => {
  it('finds the deadlock of a child that locks a mutex another thread held at fork', () => {
    const report = check(forkWhileLocked);
    expect(report.verdict).toBe('deadlock');
    expect(report.strategy).toBe('dpor');
    expect(report.findings[0]!.schedule).not.toBe('');
  });

  it('proves the wrapper that holds the lock across fork deadlock-free, completely', () => {
    const report = check(forkHoldingLock);
    expect(report.verdict).toBe('ok');
    expect(report.completeness).toEqual({ complete: true });
  });

  it('finds a lost update that needs both reads before either write', () => {
    expect(check(racyIncrement).verdict).toBe('assertion');
  });

  it('with a preemption bound misses the deadlock that needs two preemptions, says the bound cut it, and finds it with a bound of 2', () => {
    const bounded = check(forkWhileLocked, { preemptionBound: 1 });
    expect(bounded.verdict).toBe('ok');
    expect(bounded.completeness).toEqual({ complete: false, stoppedBy: 'preemptionBound' });
    expect(check(forkWhileLocked, { preemptionBound: 2 }).verdict).toBe('deadlock');
    expect(check(forkWhileLocked, { strategy: 'enumerate', preemptionBound: 1 }).verdict).toBe('ok');
  });

  it('runs threads that share nothing exactly once', () => {
    const report = check(independent);
    expect(report.stats.executions).toBe(1);
    expect(check(independent, { strategy: 'enumerate' }).stats.executions).toBe(126);
  });

  it('explores one execution per Mazurkiewicz trace on lock-protected sections', () => {
    const traces = countTraces(() => createFakeRun(threeLockers));
    expect(traces.traces).toBe(6);
    expect(check(threeLockers, { stopAtFirst: false }).stats.executions).toBe(6);
  });

  it('explores every local choice of a thread (both variants of a step)', () => {
    const report = check(withChoice, { stopAtFirst: false });
    expect(report.stats.distinctOutcomes).toBe(
      check(withChoice, { strategy: 'enumerate', stopAtFirst: false }).stats.distinctOutcomes,
    );
    expect(report.stats.distinctOutcomes).toBe(4);
  });

  it('never tries a step that waits for a lasting write before that write, when the access says so', () => {
    const program = (lasting: boolean): FakeProgram => ({
      threads: [
        [
          { op: 'spawn', thread: 1 },
          { op: 'write', cell: 'y', value: 1 },
          { op: 'await', cell: 'done', value: 1, lasting },
        ],
        [
          { op: 'write', cell: 'y', value: 2 },
          { op: 'write', cell: 'done', value: 1 },
        ],
      ],
    });
    const plain = check(program(false), { stopAtFirst: false });
    const marked = check(program(true), { stopAtFirst: false });
    expect(marked.stats.distinctOutcomes).toBe(plain.stats.distinctOutcomes);
    expect(marked.stats.executions + marked.stats.blocked!).toBeLessThan(plain.stats.executions + plain.stats.blocked!);
  });

  it('stays within 1.2 times the number of traces on every sample program', () => {
    for (const p of [forkWhileLocked, forkHoldingLock, racyIncrement, independent, threeLockers, withChoice]) {
      const traces = countTraces(() => createFakeRun(p)).traces;
      expect(check(p, { stopAtFirst: false }).stats.executions).toBeLessThanOrEqual(Math.ceil(traces * 1.2));
    }
  });
});

describe('enumerate', () => {
  it('runs every interleaving: 4 of two threads with one step each after the spawn', () => {
    const p: FakeProgram = {
      threads: [
        [
          { op: 'spawn', thread: 1 },
          { op: 'write', cell: 'a', value: 1 },
          { op: 'write', cell: 'a', value: 2 },
        ],
        [{ op: 'write', cell: 'b', value: 1 }],
      ],
    };
    expect(check(p, { strategy: 'enumerate', stopAtFirst: false }).stats.executions).toBe(3);
  });

  it('with a preemption bound of 0 never switches away from a runnable thread, and says the bound cut the search', () => {
    const report = check(independent, { strategy: 'enumerate', preemptionBound: 0 });
    expect(report.stats.executions).toBeLessThan(126);
    expect(report.completeness).toEqual({ complete: false, stoppedBy: 'preemptionBound' });
  });
});

describe('random and pct', () => {
  it('random with a fixed seed is reproducible and counts failed runs', () => {
    const a = check(racyIncrement, { strategy: 'random', runs: 200, seed: 7 });
    const b = check(racyIncrement, { strategy: 'random', runs: 200, seed: 7 });
    expect(a.stats.failedRuns).toBe(b.stats.failedRuns);
    expect(a.findings[0]?.schedule).toBe(b.findings[0]?.schedule);
    expect(a.stats.runs).toBe(200);
    expect(a.verdict).toBe('assertion');
    expect(a.completeness).toEqual({ complete: false, stoppedBy: 'sampling' });
  });

  it('pct finds the fork deadlock with a fixed seed', () => {
    const report = check(forkWhileLocked, { strategy: 'pct', runs: 100, seed: 3, depth: 2 });
    expect(report.verdict).toBe('deadlock');
    expect(report.stats.failedRuns).toBeGreaterThan(0);
  });

  it('pct runs a depth-1 search as a plain priority schedule, never finding a bug that needs a preemption', () => {
    const report = check(forkHoldingLock, { strategy: 'pct', runs: 50, seed: 1, depth: 1 });
    expect(report.verdict).toBe('ok');
  });
});

describe('replay', () => {
  it('replays a found schedule to the same finding and the same trace', () => {
    const found = check(forkWhileLocked).findings[0]!;
    const again = check(forkWhileLocked, { strategy: 'replay', schedule: found.schedule });
    expect(again.verdict).toBe('deadlock');
    expect(again.findings[0]!.trace).toEqual(found.trace);
    expect(again.findings[0]!.schedule).toBe(found.schedule);
  });

  it('says where a schedule diverges and asks whether the program is deterministic', () => {
    const run = createFakeRun(forkWhileLocked);
    const scheduler = createReplay('1000.1000.1003');
    scheduler.begin();
    expect(() => execute(run, scheduler, 100)).toThrow(ReplayDivergedError);
    expect(() => {
      const r = createFakeRun(forkWhileLocked);
      const s = createReplay('1000.1000.1003');
      s.begin();
      execute(r, s, 100);
    }).toThrow('the replay diverged at step 2: thread 1003 cannot run; is the program deterministic?');
  });
});

describe('bounds', () => {
  it('stops at maxExecutions and says so', () => {
    const report = check(independent, { strategy: 'enumerate', maxExecutions: 10 });
    expect(report.stats.executions).toBe(10);
    expect(report.completeness).toEqual({ complete: false, stoppedBy: 'maxExecutions' });
  });

  it('stops at maxTime and says so', () => {
    const report = check(independent, { strategy: 'enumerate', maxTimeMs: 0 });
    expect(report.completeness).toEqual({ complete: false, stoppedBy: 'maxTime' });
  });

  it('cuts executions at maxSteps, names the threads still running, and says the bound stopped it', () => {
    const report = check(independent, { maxSteps: 3 });
    expect(report.completeness).toEqual({ complete: false, stoppedBy: 'maxSteps' });
    expect(report.notes.join(' ')).toMatch(/cut off after 3 steps with threads? [0-9, ]+ still running/);
  });

  it('is cancelled when onProgress returns false', () => {
    const seen: number[] = [];
    const report = check(independent, {
      strategy: 'enumerate',
      onProgress: (p) => {
        seen.push(p.executions);
        return false;
      },
    });
    expect(seen).toEqual([1]);
    expect(report.completeness).toEqual({ complete: false, stoppedBy: 'cancelled' });
  });
});

describe('dependency', () => {
  it('a whole-process key overlaps every object of that process and nothing in another', () => {
    expect(overlaps(key.wholeProcess(1000), key.mutex(1000, 'libc_lock'))).toBe(true);
    expect(overlaps(key.fd(1000), key.wholeProcess(1000))).toBe(true);
    expect(overlaps(key.wholeProcess(1000), key.mutex(1001, 'libc_lock'))).toBe(false);
    expect(overlaps(key.mutex(1000, 'a'), key.mutex(1000, 'b'))).toBe(false);
    // Fork does not copy the thread table or the futex queues: a whole-process key does not cover them.
    expect(overlaps(key.wholeProcess(1000), key.threads(1000))).toBe(false);
    expect(overlaps(key.wholeProcess(1000), key.futexQueue(1000, 'm'))).toBe(false);
  });

  it('two reads never conflict; a read and a write of the same object do', () => {
    expect(
      conflicts([{ obj: key.wholeProcess(1000), write: false }], [{ obj: key.cell(1000, 'x'), write: false }]),
    ).toBe(false);
    expect(
      conflicts([{ obj: key.wholeProcess(1000), write: false }], [{ obj: key.cell(1000, 'x'), write: true }]),
    ).toBe(true);
  });

  it('the Foata normal form is the same for two orders of independent steps and differs for dependent ones', () => {
    const a = { tid: 1, label: 'a', accesses: [{ obj: key.cell(1, 'x'), write: true }] };
    const b = { tid: 2, label: 'b', accesses: [{ obj: key.cell(1, 'y'), write: true }] };
    const c = { tid: 2, label: 'c', accesses: [{ obj: key.cell(1, 'x'), write: true }] };
    expect(foataNormalForm([a, b])).toBe(foataNormalForm([b, a]));
    expect(foataNormalForm([a, c])).not.toBe(foataNormalForm([c, a]));
  });
});

describe('the key and id grammars', () => {
  it('spells keys exactly as schedules, tests and the README do', () => {
    expect([
      key.mutex(1000, 'libc_lock'),
      key.cell(1000, 'x'),
      key.sem(1000, 's'),
      key.cond(1000, 'c'),
      key.fd(1000),
      key.atfork(1000),
      key.sig(1000),
      key.heap(1000),
      key.dl(1000),
      key.exit(1001),
      key.children(1000),
      key.wholeProcess(1000),
      key.threads(1000),
      key.thread(1000, 1001),
      key.futexQueue(1000, 'm'),
      key.signalState(1000, 1001),
      key.signalTargets(1000),
    ]).toEqual([
      '1000/m:libc_lock',
      '1000/cell:x',
      '1000/sem:s',
      '1000/cond:c',
      '1000/fd',
      '1000/atfork',
      '1000/sig',
      '1000/heap',
      '1000/dl',
      '1001/exit',
      '1000/children',
      '1000/*',
      '1000:threads',
      '1000:thread:1001',
      '1000:futex:m',
      '1000:sig:1001',
      '1000:sigtargets',
    ]);
    expect(isLock(key.mutex(1000, 'm'))).toBe(true);
    expect(isLock(key.futexQueue(1000, 'm'))).toBe(false);
    expect(isWholeProcess(key.wholeProcess(1000))).toBe(true);
  });

  it('builds and parses transition ids', () => {
    expect([plainId(1001), signalId(1001, 'SIGUSR1'), spuriousId(1003)]).toEqual([
      '1001',
      '1001!SIGUSR1',
      '1003~spurious',
    ]);
    expect(parseId('1001')).toEqual({ tid: 1001, kind: 'plain' });
    expect(parseId('1001!SIGUSR1')).toEqual({ tid: 1001, kind: 'signal', sig: 'SIGUSR1' });
    expect(parseId('1003~spurious')).toEqual({ tid: 1003, kind: 'variant', variant: 'spurious' });
    expect(parseId('x1001')).toBeNull();
    expect(parseId('1001!')).toBeNull();
    expect(isPlainId(plainId(7))).toBe(true);
    expect(isPlainId(signalId(7, 'SIGTERM'))).toBe(false);
  });
});

describe('schedule strings', () => {
  it('round-trip and compress runs of the same step', () => {
    const ids = ['1000', '1000', '1000', '1001', '1000!SIGUSR1', '1003~spurious', '1003~spurious'];
    const s = encodeSchedule(ids);
    expect(s).toBe('1000*3.1001.1000!SIGUSR1.1003~spurious*2');
    expect(encodeURIComponent(s)).toBe(s);
    expect(decodeSchedule(s)).toEqual(ids);
  });

  it('reject text that is not a schedule, saying which part is wrong', () => {
    expect(() => decodeSchedule('1000*x')).toThrow(/"1000\*x" is not a step/);
    expect(() => decodeSchedule('1000..1001')).toThrow(/not a schedule string/);
  });
});
