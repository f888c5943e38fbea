// What crosses between the worker's V8 (the world and the explorer, sim/node/remote.ts) and the
// QuickJS sandbox that runs the program's code (sim/node/sandbox-entry.ts): JSON text, in which the
// values JSON has no spelling for are tagged objects { "$": TAG, ... }. A program's own object with a
// "$" key travels wrapped in { "$": "o", v: ... }, so a program cannot forge a tag.
//
//   u  undefined                n  { v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
//   i  a bigint { v: digits }   y  a symbol { v: description } (a new symbol on the other side)
//   f  a function of the program { id, name }: QuickJS's table names it, V8 keeps one proxy per id;
//      a number names one function for its life and is never reused
//   l  a function of the library both sides hold { v: LIBRARY name } (SIG_IGN, glibc 2.7's malloc handlers)
//   j  JoinError { errno }      e  an error { name, message }
//   M  a Map { v: [[k, x]...] } S  a Set { v: [...] }   o  an object with a "$" key { v }
//
// Requests (V8 to QuickJS), one string: MODE ID ' ' PAYLOAD, PAYLOAD '' for undefined.
//   s  start: call program function ID with the arguments (a JSON array); answers g GENID
//   n  next, x throw, r return on generator ID; answers y VALUE (yielded), d VALUE (done) or t ERROR
//      and, after a yielded operation the world answers with undefined at once (enter, leave, reset,
//      atfork_run), what the generator did next, on a line of its own (JSON text has no raw newline)
//   e  a new execution: the generators of the last one are dropped; answers e and the numbers of the
//      program functions that are gone since the last such answer (comma-separated), whose proxies go too
// ERROR is { error: true, name, message, stack } for an Error, { error: false, message } for another value.
import { MALLOC_ATFORK_2_7 } from '../api/malloc-atfork.ts';
import { SIG_IGN } from '../api/ops.ts';

/** Values nested deeper than this do not cross (a cycle, or data no program step needs). */
export const MAX_DEPTH = 100;

/** The library's functions that either side may hand the other, by a name both know. */
export function libraryFunctions(): ReadonlyMap<string, unknown> {
  return new Map<string, unknown>([
    ['SIG_IGN', SIG_IGN],
    ['malloc.prepare', MALLOC_ATFORK_2_7.prepare],
    ['malloc.parent', MALLOC_ATFORK_2_7.parent],
    ['malloc.child', MALLOC_ATFORK_2_7.child],
  ]);
}
