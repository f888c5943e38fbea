// malloc's arenas as glibc keeps them (malloc/arena.c): the process's list of arenas and, for 2.36,
// narenas, narenas_limit, next_to_use, the free list and attached_threads; each thread's arena
// (thread_arena, TLS) and 2.36's tcache. The arena locks are ordinary internal mutexes; the steps here
// are the moments glibc reads or changes the shared arena bookkeeping. sim/api/malloc.ts says which
// glibc function each sequence of steps follows.
import type { ArenaPick, InstantOp, MallocState } from '../../api/ops.ts';
import { ATFORK_ARENA, MAIN_ARENA_NAME } from '../../api/libc-locks.ts';
import { key } from '../../access.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { Arenas, Proc, Thread } from '../state.ts';

/**
 * 2.36 arena_get2: past arena_test (NARENAS_FROM_NCORES (1) = 8 on 64-bit) arenas, the limit is
 * NARENAS_FROM_NCORES (__get_nprocs_sched ()) = 8 per core. The model assumes 2 cores, glibc's own
 * assumption when it cannot tell (NARENAS_FROM_NCORES (2)).
 */
const ARENA_TEST = 8;
const NARENAS_ASSUMED = 8 * 2;

export function newArenas(): Arenas {
  return {
    list: [MAIN_ARENA_NAME],
    count: 1,
    limit: 0,
    max: 0,
    nextToUse: '',
    free: [],
    attached: { [MAIN_ARENA_NAME]: 1 },
    atforkCntr: 0,
    saved: null,
    chunks: new Map(),
  };
}

export function copyArenas(a: Arenas): Arenas {
  return { ...a, list: a.list.slice(), free: a.free.slice(), attached: { ...a.attached }, chunks: new Map(a.chunks) };
}

/** request2size (malloc/malloc.c): the chunk size of a request on 64-bit (SIZE_SZ 8, 16-byte alignment). */
export function chunkSize(n: number): number {
  return n + 8 + 15 < 32 ? 32 : (n + 8 + 15) & ~15;
}
/** csize2tidx; TCACHE_MAX_BINS = 64 bins, TCACHE_FILL_COUNT = 7 chunks each. */
const tidx = (size: number): number => Math.floor((size - 32 + 15) / 16);
const TCACHE_BINS = 64;
const TCACHE_COUNT = 7;

const rotateFrom = (list: readonly string[], start: string): string[] => {
  const i = Math.max(0, list.indexOf(start));
  return [...list.slice(i), ...list.slice(0, i)];
};

/** The instant ops of malloc: each reads or changes only the calling thread's TLS, or state the caller holds a lock for. */
export function mallocInstant(k: Kernel, t: Thread, p: Proc, o: InstantOp): unknown {
  const a = p.arenas;
  switch (o.k) {
    case 'mstate':
      return {
        libc: k.libc,
        single: !p.multiThreaded,
        arena: t.arena,
        tcache: t.tcache !== null,
        started: t.started,
      } satisfies MallocState;
    case 'tcache': {
      // 2.36 tcache_init, tcache_get, tcache_put (_int_free), tcache_thread_shutdown: TLS.
      if (o.what === 'init') {
        t.tcache = { arena: o.arena ?? MAIN_ARENA_NAME, bins: [] };
        return true;
      }
      if (o.what === 'shutdown') {
        const was = t.tcache?.arena ?? null;
        t.tcache = null;
        return was;
      }
      if (!t.tcache) return null;
      const i = tidx(chunkSize(o.n));
      if (i >= TCACHE_BINS) return null;
      let bin = t.tcache.bins[i];
      if (bin === undefined) t.tcache.bins[i] = bin = [];
      if (o.what === 'get') return bin.pop() ?? null;
      if (bin.length >= TCACHE_COUNT) return null;
      bin.push(o.arena ?? MAIN_ARENA_NAME);
      return o.arena ?? MAIN_ARENA_NAME;
    }
    case 'chunk':
      return a.chunks.get(o.ptr) ?? null;
    case 'arena_list':
      // The list changes only under list_lock, which the caller holds (fork's prepare handlers).
      return a.list.slice();
    case 'arena_tsd':
      // 2.7: tsd_setspecific (arena_key, ...); save/restore is ptmalloc_lock_all's save_arena, under list_lock.
      if (o.what === 'set') t.arena = o.name ?? null;
      else if (o.what === 'save') {
        a.saved = t.arena;
        t.arena = ATFORK_ARENA;
      } else t.arena = a.saved;
      return t.arena;
    case 'atfork_cntr':
      // 2.7 atfork_recursive_cntr: changed only by the holder of list_lock.
      a.atforkCntr = o.d === 0 ? 0 : a.atforkCntr + o.d;
      return a.atforkCntr;
    case 'arena_child': {
      // 2.36 __malloc_fork_unlock_child: every arena but thread_arena goes on the free list.
      a.free = [];
      for (const name of a.list) {
        if (name === t.arena) a.attached[name] = 1;
        else {
          a.attached[name] = 0;
          a.free.unshift(name);
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

export const mallocOps: Models<'arena'> = {
  arena: {
    accesses: (_k, t, o) => [o.what === 'list' ? reads(key.arenas(t.pid)) : writes(key.arenas(t.pid))],
    exec(k, t, o) {
      const a = k.procOf(t).arenas;
      switch (o.what) {
        case 'pick': {
          // 2.36 get_free_list: pop free_list under free_list_lock, attach (thread_arena = result).
          const f = a.free.shift();
          if (f !== undefined) {
            a.attached[f] = 1;
            t.arena = f;
            k.complete(t, { how: 'free', name: f } satisfies ArenaPick);
            return;
          }
          if (a.limit === 0) {
            if (a.max !== 0) a.limit = a.max;
            else if (a.count > ARENA_TEST) a.limit = NARENAS_ASSUMED;
          }
          // `n <= narenas_limit - 1` in size_t: a limit of 0 means no limit yet.
          if (a.limit === 0 || a.count <= a.limit - 1) {
            const name = `arena_${a.count}`;
            a.count++;
            k.complete(t, { how: 'new', name } satisfies ArenaPick);
            return;
          }
          // reused_arena: from next_to_use (main_arena while NULL) round the list.
          k.complete(t, { how: 'reuse', order: rotateFrom(a.list, a.nextToUse || a.list[0]!) } satisfies ArenaPick);
          return;
        }
        case 'new': {
          // 2.7 arena_get2: a new arena, made while the caller holds list_lock.
          const name = `arena_${a.count}`;
          a.count++;
          k.complete(t, name);
          return;
        }
        case 'link':
          // _int_new_arena (2.36) / arena_get2 (2.7) under list_lock: a->next = main_arena.next; main_arena.next = a.
          a.list.splice(1, 0, o.name!);
          a.attached[o.name!] = 1;
          t.arena = o.name!;
          k.complete(t, 0);
          return;
        case 'attach': {
          // 2.36 reused_arena's out: detach_arena (replaced), remove_from_free_list, ++attached_threads.
          const name = o.name!;
          if (t.arena && a.attached[t.arena]) a.attached[t.arena]!--;
          a.free = a.free.filter((x) => x !== name);
          a.attached[name] = (a.attached[name] ?? 0) + 1;
          t.arena = name;
          const i = a.list.indexOf(name);
          a.nextToUse = a.list[(i + 1) % a.list.length]!;
          k.complete(t, 0);
          return;
        }
        case 'detach': {
          // 2.36 __malloc_arena_thread_freeres: the last thread attached puts the arena on free_list.
          const name = t.arena;
          t.arena = null;
          if (name && name !== ATFORK_ARENA) {
            a.attached[name] = Math.max(0, (a.attached[name] ?? 1) - 1);
            if (a.attached[name] === 0) a.free.unshift(name);
          }
          k.complete(t, 0);
          return;
        }
        case 'max':
          // mallopt (M_ARENA_MAX, n): do_set_arena_max, for values > 0.
          if ((o.n ?? 0) > 0) a.max = o.n!;
          k.complete(t, 1);
          return;
        case 'list':
          k.complete(t, a.list.slice());
          return;
      }
    },
    describe: (o) =>
      o.what === 'pick'
        ? 'arena_get2'
        : o.what === 'max'
          ? `mallopt(M_ARENA_MAX, ${o.n})`
          : o.what === 'link'
            ? `link ${o.name}`
            : o.what === 'attach'
              ? `attach ${o.name}`
              : `arena ${o.what}`,
  },
};
