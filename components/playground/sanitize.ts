// Replies from the sandbox are untrusted (reader code can post its own messages from the worker):
// this makes a reply safe to render, whatever it claims to be.

/** Fields that hold numbers in reports and events; anything else there becomes a number or 0. */
const NUMERIC = new Set([
  'step',
  'pid',
  'tid',
  'time',
  'child',
  'parent',
  'parentTid',
  'addr',
  'fd',
  'from',
  'to',
  'status',
  'word',
  'count',
  'result',
  'index',
  'ns',
  'until',
  'owner',
  'intoPid',
  'bytes',
  'target',
  'holder',
  'val',
  'executions',
  'blocked',
  'distinctOutcomes',
  'elapsedMs',
  'failedRuns',
  'runs',
  'findings',
  'line',
  'column',
]);
/** Free text, always escaped where it is shown: kept as it is. */
const FREE = new Set(['message', 'sentence', 'text', 'detail', 'notes', 'value', 'args', 'what', 'label', 'next']);
const UNSAFE = /[<>"'&`]/g;

function walk(x: unknown, key: string, free: boolean, depth: number): unknown {
  if (depth > 40) return null;
  if (typeof x === 'string') {
    if (NUMERIC.has(key) && !free) {
      const n = Number(x);
      return Number.isFinite(n) ? n : 0;
    }
    return free ? x : x.replace(UNSAFE, '');
  }
  if (typeof x === 'number') return Number.isFinite(x) ? x : 0;
  if (typeof x === 'boolean' || x === null || x === undefined) return x;
  if (Array.isArray(x)) return x.map((v) => walk(v, key, free, depth + 1));
  if (typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      out[k] = walk(v, k, free || FREE.has(k), depth + 1);
    }
    return out;
  }
  return null;
}

/** A deep copy in which numeric fields are numbers and identifier-like strings carry no markup. */
export function sanitizeReply<T>(reply: T): T {
  return walk(reply, '', false, 0) as T;
}
