// libc's own state: the heap (malloc, free), the loader (dlopen), and the instant ops the library
// answers inside a step (who am I, which libc, bookkeeping of libc calls and atfork handlers, a lock
// reset), with the async-signal-safety check made when a libc call begins.
import type { InstantOp } from '../../api/ops.ts';
import { key } from '../../access.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { writes } from '../op-model.ts';
import type { Frame, Proc, Thread } from '../state.ts';
import { addrOf, lockRefOf } from '../naming.ts';
import { chunkSize, mallocInstant } from './malloc.ts';
import { MAIN_ARENA_NAME } from '../../api/libc-locks.ts';

/** Answers an instant op of `t`, run in `frame`, without a step of its own. */
export function instant(k: Kernel, t: Thread, frame: Frame, o: InstantOp): unknown {
  const p = k.procOf(t);
  switch (o.k) {
    case 'self':
      return o.what === 'tid' ? t.tid : o.what === 'pthread' ? t.tcb : o.what === 'pid' ? t.pid : p.ppid;
    case 'libc':
      return k.libc;
    case 'environ':
      if (o.add !== undefined && !p.environ.set.includes(o.add)) p.environ.set.push(o.add);
      return p.environ;
    case 'stdio_buf':
      if (o.set && !p.stdioBufs.includes(o.f)) p.stdioBufs.push(o.f);
      return p.stdioBufs.includes(o.f);
    case 'stdstream':
      // A flat record: copied on the way in and out, so a replayed result is never the live object.
      if (o.v !== undefined) p.stdStreams[o.f] = { ...o.v };
      return p.stdStreams[o.f] === undefined ? null : { ...p.stdStreams[o.f] };
    case 'mstate':
    case 'tcache':
    case 'chunk':
    case 'arena_list':
    case 'arena_tsd':
    case 'atfork_cntr':
    case 'arena_child':
      return mallocInstant(k, t, p, o);
    case 'enter':
      if (frame.libcDepth++ === 0) checkSafety(k, t, p, frame, o.fn);
      k.emit(t, { type: 'libc.call', fn: o.fn, phase: 'enter' });
      return undefined;
    case 'leave':
      frame.libcDepth = Math.max(0, frame.libcDepth - 1);
      k.emit(t, { type: 'libc.call', fn: o.fn, phase: 'leave' });
      return undefined;
    case 'reset': {
      const m = k.mutexObj(p, o.m);
      m.word = 0;
      m.owner = 0;
      m.ownerTcb = 0;
      m.count = 0;
      k.emit(t, { type: 'libc.lock-reset', lock: lockRefOf(m), how: 'reinit' });
      return undefined;
    }
    case 'atfork_run':
      k.emit(
        t,
        o.internal
          ? { type: 'atfork.run', phase: o.phase, index: o.index, internal: o.internal }
          : { type: 'atfork.run', phase: o.phase, index: o.index },
      );
      return undefined;
  }
}

/** A libc call in a signal handler, or in the child of a multi-threaded process before exec or _exit. */
/**
 * Why a call is not async-signal-safe, when there is more to say than that. fork was on POSIX's list
 * until POSIX.1-2024, which removed it (Austin Group issue 62, glibc 2.34 NEWS) and added _Fork,
 * which "shall be async-signal-safe".
 */
const WHY_UNSAFE: Readonly<Record<string, string>> = {
  fork: ' since POSIX.1-2024 (Austin Group issue 62 removed it from the list: its atfork handlers and libc locking may take locks the interrupted code holds); _Fork is async-signal-safe',
};

/** The sentence for an unsafe call in a forked child, by function (made once each). */
const childNotes = new Map<string, string>();

export function checkSafety(k: Kernel, t: Thread, p: Proc, frame: Frame, fn: string): void {
  const why = WHY_UNSAFE[fn] ?? '';
  if (frame.sig !== undefined) {
    k.emit(t, { type: 'unsafe-call', fn, context: 'signal-handler' });
    k.addFinding(
      'unsafe-call',
      `Thread ${t.tid} called ${fn}() in its ${frame.sig} handler: ${fn} is not async-signal-safe${why}.`,
    );
  } else if (p.childOfMultiThreaded) {
    let text = childNotes.get(fn);
    if (text === undefined) {
      text = `A child of a multi-threaded process called ${fn}() before exec or _exit, where POSIX allows only async-signal-safe calls${fn === 'printf' || fn === 'malloc' || fn === 'free' ? ` (glibc's fork makes ${fn} work there; _Fork does not)` : why ? ` (${fn} is not one${why})` : ''}.`;
      childNotes.set(fn, text);
    }
    if (k.strict) {
      k.emit(t, { type: 'unsafe-call', fn, context: 'fork-child' });
      k.addFinding('unsafe-call', `Process ${p.pid}: ${text}`);
    } else k.note(text);
  }
}

export const libcOps: Models<'heap' | 'dl'> = {
  heap: {
    accesses: (_k, t) => [writes(key.heap(t.pid))],
    exec(k, t, o) {
      const p = k.procOf(t);
      if (o.what === 'malloc') {
        const ptr = p.heapNext;
        p.heapNext += Math.max(16, Math.ceil(o.n / 16) * 16 + 16);
        p.arenas.chunks.set(ptr, { arena: o.arena ?? MAIN_ARENA_NAME, size: chunkSize(o.n) });
        k.complete(t, ptr);
      } else k.complete(t, 0);
    },
    describe: (o) => o.what,
  },
  dl: {
    accesses: (_k, t) => [writes(key.dl(t.pid))],
    exec: (k, t, o) => k.complete(t, addrOf(`dl:${o.name}`, true)),
    describe: (o) => `dlopen(${o.name})`,
  },
};
