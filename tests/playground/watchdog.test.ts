// The watchdog's reading of a stopped request (components/playground/watchdog.ts): which of its five
// cases it was, the words for the reader's own bounds, and the shorter bounds a page may set for its
// tests. The browser tests reach every case with shorter bounds the page sets; the reader's 3 s and
// 12 s are checked here, where nothing waits them out.
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../components/playground/limits.ts';
import { pageBound, stopKind, stopWords, type Heard } from '../../components/playground/watchdog.ts';

const STALL = LIMITS.stallMs;
const heard = (phase: Heard['phase'], steps = 0): Heard => ({ phase, ops: steps * 2, steps, executions: 3 });

describe('the watchdog', () => {
  test('tells silence, a top level that never ends, a loop with no yield*, calls with no step and the deadline apart', () => {
    expect(stopKind(heard('nothing'), STALL, 0, false, STALL)).toBe('silent');
    expect(stopKind(heard('loading'), STALL, 0, false, STALL)).toBe('top-level');
    expect(stopKind(heard('running', 5), STALL, 0, false, STALL)).toBe('no-yield');
    expect(stopKind(heard('running', 5), 100, STALL, false, STALL)).toBe('no-step');
    expect(stopKind(heard('running', 5), 100, 100, true, STALL)).toBe('deadline');
    // Before any bound, nothing to stop.
    expect(stopKind(heard('running', 5), STALL - 1, STALL - 1, false, STALL)).toBeNull();
    // A stall is named for what it is even past the deadline.
    expect(stopKind(heard('running', 5), STALL, 0, true, STALL)).toBe('no-yield');
  });

  test("the deadline's words name the reader's 12 s bound and the steps that kept finishing", () => {
    expect(LIMITS.requestMs).toBe(12_000);
    const { head, body } = stopWords('deadline', heard('running', 4321), LIMITS.requestMs);
    expect(head).toBe('Stopped: the check did not end within 12 s.');
    expect(body).toMatch(/The program was not stuck: steps kept finishing \(4,321 steps in 4 executions so far\)/);
  });

  test("a stall's words name the watchdog's 3 s", () => {
    expect(stopWords('silent', heard('nothing'), STALL).body).toMatch(/said nothing for 3 s/);
    expect(stopWords('no-yield', heard('running', 7), STALL).body).toMatch(/For 3 s no thread made a library call/);
  });

  test('a page may shorten a bound for its tests, never lengthen it, and anything else leaves the bound as it is', () => {
    expect(LIMITS.stallMs).toBe(3000);
    expect(pageBound(undefined, LIMITS.stallMs)).toBe(3000);
    expect(pageBound(1000, LIMITS.stallMs)).toBe(1000);
    for (const odd of [60_000, 3000, 0, -1, Number.NaN, '500', null, { valueOf: () => 5 }])
      expect(pageBound(odd, LIMITS.stallMs), String(odd)).toBe(3000);
    expect(pageBound(2000, LIMITS.requestMs)).toBe(2000);
    expect(pageBound(Infinity, LIMITS.requestMs)).toBe(12_000);
  });
});
