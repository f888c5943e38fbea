// A world state's fingerprint: equal fingerprints mean equal futures (the same transitions enabled,
// with the same accesses and effects, the same findings), so a stateful search may explore a state's
// future once. The world's own state is written out whole (processes, memory objects, descriptors,
// threads' kernel-side state, shared mappings, the file system, counters, findings' kinds and notes); a thread's program state (its
// generator, which cannot be read) is named by what determines it, as child replay relies on: the
// function it started from and its arguments (named by its creator's state then), and the record of every result fed into it since.
// Left out: what only the trace shows (step numbers, a thread's step count, the trace itself).
import type { Inode, MemObj, Proc, Rec, Thread } from './state.ts';

/** Functions by identity: the same function object always gets the same number. */
const fnIds = new WeakMap<object, number>();
let nextFnId = 1;
function fnId(f: object): number {
  let id = fnIds.get(f);
  if (id === undefined) fnIds.set(f, (id = nextFnId++));
  return id;
}

/**
 * A 96-bit hash, folded one 32-bit word at a time into three lanes mixed differently (MurmurHash3's
 * constants). Two different states get one fingerprint with a probability of about 2^-96 per pair.
 */
const names = new Map<string, number>();

class Hasher {
  a = 0x9747b28c;
  b = 0x2545f491;
  c = 0x61c88647;

  word(x: number): void {
    let k = Math.imul(x | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    this.a ^= k;
    this.a = (this.a << 13) | (this.a >>> 19);
    this.a = (Math.imul(this.a, 5) + 0xe6546b64) | 0;
    this.b = Math.imul(this.b ^ (x | 0), 0x85ebca6b);
    this.b ^= this.b >>> 13;
    this.c = (Math.imul(this.c + (x | 0), 0xc2b2ae35) + this.a) | 0;
    this.c ^= this.c >>> 16;
  }

  str(s: string): void {
    this.word(s.length | 0x40000000);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  /** A name (a property's, or a short string): by a number given to each name once. */
  name(s: string): void {
    let id = names.get(s);
    if (id === undefined) names.set(s, (id = names.size + 1));
    this.word(0x30000000 | id);
  }

  num(n: number): void {
    if (Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) {
      this.word(0x10000001);
      this.word(n);
    } else if (Number.isSafeInteger(n)) {
      // Addresses and the like: the high and low 32 bits (no string made).
      const hi = Math.floor(n / 0x100000000);
      this.word(0x10000002);
      this.word(hi);
      this.word(n - hi * 0x100000000);
    } else this.str(String(n));
  }

  reset(): void {
    this.a = 0x9747b28c;
    this.b = 0x2545f491;
    this.c = 0x61c88647;
  }

  key(): string {
    return `${(this.a >>> 0).toString(36)}.${(this.b >>> 0).toString(36)}.${(this.c >>> 0).toString(36)}`;
  }
}

// Tags keep values of different shapes apart (a string "1" and a number 1, [] and {}).
const enum Tag {
  Undefined = 0x20000001,
  Null,
  True,
  False,
  Number,
  String,
  Function,
  Array,
  Map,
  Set,
  Object,
  End,
  Other,
}

/** Folds a plain value (what cells, results and kernel objects hold) into `h`. */
function put(h: Hasher, v: unknown, depth = 0): void {
  if (depth > 32) throw new Error('a value too deep to fingerprint');
  switch (typeof v) {
    case 'undefined':
      h.word(Tag.Undefined);
      return;
    case 'number':
      h.word(Tag.Number);
      h.num(v);
      return;
    case 'string':
      h.word(Tag.String);
      // Short strings (names, paths, kinds) by number, each hashed once; long ones by their text.
      if (v.length <= 64) h.name(v);
      else h.str(v);
      return;
    case 'boolean':
      h.word(v ? Tag.True : Tag.False);
      return;
    case 'function':
      h.word(Tag.Function);
      h.word(fnId(v));
      return;
    case 'bigint':
    case 'symbol':
      h.word(Tag.Other);
      h.str(String(v));
      return;
    case 'object':
      break;
  }
  if (v === null) {
    h.word(Tag.Null);
    return;
  }
  if (Array.isArray(v)) {
    h.word(Tag.Array);
    for (const x of v) put(h, x, depth + 1);
  } else if (v instanceof Map) {
    h.word(Tag.Map);
    // A map keyed by numbers (descriptors, tids, addresses) by key: the order its entries were made
    // in depends on the interleaving and changes nothing ahead (lowestFd and the rest look keys up).
    let numeric = true;
    for (const k of v.keys()) if (typeof k !== 'number') numeric = false;
    const entries = numeric && v.size > 1 ? [...v].sort((x, y) => (x[0] as number) - (y[0] as number)) : v;
    for (const [k, x] of entries) {
      put(h, k, depth + 1);
      put(h, x, depth + 1);
    }
  } else if (v instanceof Set) {
    h.word(Tag.Set);
    for (const x of v) put(h, x, depth + 1);
  } else {
    h.word(Tag.Object);
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (x === undefined) continue;
      h.name(k);
      put(h, x, depth + 1);
    }
  }
  h.word(Tag.End);
}

/** A thread's record, hashed once per entry: the lanes after the entries seen so far are kept. */
const recordHash = new WeakMap<Rec[], { n: number; h: Hasher }>();
function recordOf(record: Rec[]): Hasher {
  let memo = recordHash.get(record);
  if (!memo) recordHash.set(record, (memo = { n: 0, h: new Hasher() }));
  const h = memo.h;
  for (let i = memo.n; i < record.length; i++) {
    const r = record[i]!;
    if ('signal' in r) {
      h.word(1);
      h.str(r.signal);
      put(h, r.handler);
    } else {
      h.word(2);
      h.str(r.op);
      put(h, r.result);
    }
  }
  memo.n = record.length;
  return h;
}

/**
 * What determines the function and arguments of a thread `t` starts now (pthread_create, or the image
 * of an execve): `t`'s own start and everything fed into it so far (the library wraps the function
 * anew in each run, so the function object itself cannot name it).
 */
export function startedBy(t: Thread): string {
  return `${t.origin ?? 'main'}>${recordOf(t.record).key()}:${t.record.length}`;
}

const THREAD_SKIP = new Set(['fn', 'args', 'frames', 'record', 'steps', 'pending', 'origin']);

function putThread(h: Hasher, t: Thread): void {
  h.word(t.tid);
  h.name(t.origin ?? 'main');
  const r = recordOf(t.record);
  h.word(t.record.length);
  h.word(r.a);
  h.word(r.b);
  h.word(r.c);
  h.name(t.pending?.k ?? '-');
  for (const f of t.frames) {
    h.word(f.libcDepth);
    h.name(f.sig ?? '');
    h.name(f.saved?.phase ?? '');
    // The mask the handler's return puts back.
    if (f.saved) for (const s of f.saved.mask) h.name(s);
    h.word(Tag.End);
  }
  const o = t as unknown as Record<string, unknown>;
  for (const k in o) {
    if (THREAD_SKIP.has(k)) continue;
    const x = o[k];
    if (x === undefined) continue;
    h.name(k);
    put(h, x);
  }
  h.word(Tag.End);
}

/**
 * A process's memory object names, sorted: kept per Map while its size stays (objects are only ever
 * added to a process's memory, and execve gives it a new Map).
 */
const sortedNames = new WeakMap<ReadonlyMap<string, unknown>, string[]>();
function sortedKeys(mem: ReadonlyMap<string, unknown>): string[] {
  let keys = sortedNames.get(mem);
  if (keys === undefined || keys.length !== mem.size) sortedNames.set(mem, (keys = [...mem.keys()].sort()));
  return keys;
}

/**
 * A memory object's own hash, with a lock word of 2 and nobody in the futex queue read as 1: the two
 * differ only in whether the unlock makes a FUTEX_WAKE that wakes nobody (ops/mutex.ts doUnlock), an
 * event of the trace, and fork's copy of a lock that had waiters is such a word (its queue stays behind).
 */
function objectHash(o: MemObj): Hasher {
  const h = objectHasher;
  h.reset();
  if (o.kind === 'mutex' && o.word === 2 && o.waiters.length === 0) {
    // Hashed as 1 in place (no copy made at every fingerprint), and put back.
    o.word = 1;
    try {
      put(h, o);
    } finally {
      o.word = 2;
    }
  } else put(h, o);
  return h;
}
/** The one hasher objectHash uses (its lanes are read before the next call). */
const objectHasher = new Hasher();

/**
 * The objects still as memObj made them (or fork's copies of such), with their hash then: a process
 * that has not used an object yet and one that used it without changing it have the same future
 * (memObj makes the same object on first use), so the fingerprint leaves such objects out.
 */
const fresh = new WeakMap<MemObj, readonly [number, number, number]>();

/** Called by memObj on an object it has just made. */
export function markFresh(o: MemObj): void {
  const h = objectHash(o);
  fresh.set(o, [h.a, h.b, h.c]);
}

/** Called by fork on its copy of a process's object. */
export function copyFresh(from: MemObj, to: MemObj): void {
  const k = fresh.get(from);
  if (k !== undefined) fresh.set(to, k);
}

function putProc(h: Hasher, p: Proc): void {
  h.word(p.pid);
  const o = p as unknown as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (x === undefined) continue;
    h.name(k);
    if (k === 'mem') {
      // Objects by name: the order in which a process first used them changes nothing ahead; one
      // still as it was made, as if it had not been used.
      const mem = p.mem;
      const keys = sortedKeys(mem);
      for (const n of keys) {
        const o = mem.get(n)!;
        const oh = objectHash(o);
        const ok = fresh.get(o);
        if (ok !== undefined && ok[0] === oh.a && ok[1] === oh.b && ok[2] === oh.c) continue;
        h.name(n);
        h.word(oh.a);
        h.word(oh.b);
        h.word(oh.c);
      }
      h.word(Tag.End);
    } else put(h, x);
  }
  h.word(Tag.End);
}

const noteIds = new Map<string, number>();
function noteId(text: string): number {
  let id = noteIds.get(text);
  if (id === undefined) noteIds.set(text, (id = noteIds.size + 1));
  return id;
}

/** What the world passes in: everything of its state the future depends on. */
export interface WorldState {
  counters: readonly number[];
  failed: boolean;
  procs: Iterable<Proc>;
  threads: readonly Thread[];
  /** MAP_SHARED cells (one copy for every process), by name. */
  shared: ReadonlyMap<string, { value: unknown }>;
  /** The file system: every path and its inode (a file closed by all is still there to be opened). */
  files: ReadonlyMap<string, Inode>;
  stdin: readonly string[];
  findingKinds: readonly string[];
  notes: readonly string[];
}

/** The fingerprint of a world state: equal states, equal fingerprints; different ones, different but for a 2^-96 chance. */
export function fingerprintOf(s: WorldState): string {
  const h = new Hasher();
  for (const c of s.counters) h.num(c);
  h.word(s.failed ? 1 : 0);
  // By id (pids and tids name their maker, never the order of making: World.nextId), so that two
  // orders of the same creations reach one fingerprint.
  for (const p of [...s.procs].sort((a, b) => a.pid - b.pid)) putProc(h, p);
  h.word(Tag.End);
  for (const t of [...s.threads].sort((a, b) => a.tid - b.tid)) putThread(h, t);
  h.word(Tag.End);
  // By name: the order in which they were made changes nothing ahead.
  for (const n of [...s.shared.keys()].sort()) {
    h.name(n);
    put(h, s.shared.get(n)!.value);
  }
  h.word(Tag.End);
  for (const n of [...s.files.keys()].sort()) {
    h.name(n);
    put(h, s.files.get(n));
  }
  h.word(Tag.End);
  put(h, s.stdin);
  put(h, s.findingKinds);
  // Notes by number, each text hashed once (they are a few sentences from a fixed set, met at every
  // fingerprint); by sorted number, as a set.
  const notes = s.notes.map(noteId).sort((x, y) => x - y);
  for (const n of notes) h.word(n);
  h.word(Tag.End);
  return h.key();
}
