// The state of the world after a given step, rebuilt from the trace alone: threads and what each
// waits for, locks with owners (and whether the owner exists in that process), descriptors, time.
import type { TraceEvent } from '../../sim/events.ts';

export interface ThreadState {
  pid: number;
  tid: number;
  fn: string;
  status: 'running' | 'blocked' | 'exited';
  /** What it waits for, in words, when blocked. */
  waits?: string;
}
export interface LockState {
  pid: number;
  name: string;
  kind: string;
  owner: number;
  /** The owner is not a live thread of this process: fork copied the lock but not its holder. */
  orphan: boolean;
}
export interface ProcState {
  pid: number;
  parent?: number;
  exited?: number;
  fds: Map<number, string>;
}
export interface WorldState {
  step: number;
  time: number;
  threads: ThreadState[];
  locks: LockState[];
  procs: ProcState[];
}

/** Apply every event whose step is at most `step`. */
export function stateAt(trace: readonly TraceEvent[], step: number): WorldState {
  const threads = new Map<number, ThreadState>();
  const locks = new Map<string, { pid: number; name: string; kind: string; owner: number }>();
  const procs = new Map<number, ProcState>();
  let time = 0;
  const proc = (pid: number) => {
    let p = procs.get(pid);
    if (!p) { p = { pid, fds: new Map([[0, 'stdin'], [1, 'stdout'], [2, 'stderr']]) }; procs.set(pid, p); }
    return p;
  };
  for (const e of trace) {
    if (e.step > step) break;
    time = Math.max(time, e.time);
    const p = proc(e.pid);
    let t = threads.get(e.tid);
    if (!t) { t = { pid: e.pid, tid: e.tid, fn: '', status: 'running' }; threads.set(e.tid, t); }
    switch (e.type) {
      case 'thread.start': t.fn = e.fn; break;
      case 'thread.exit': t.status = 'exited'; t.waits = undefined; break;
      case 'thread.join': t.status = 'running'; t.waits = undefined; break;
      case 'mutex.lock': t.status = 'running'; t.waits = undefined; locks.set(`${e.pid}/${e.lock.addr}`, { pid: e.pid, name: e.lock.name, kind: e.lock.kind, owner: e.tid }); break;
      case 'mutex.trylock': if (e.result === 0) locks.set(`${e.pid}/${e.lock.addr}`, { pid: e.pid, name: e.lock.name, kind: e.lock.kind, owner: e.tid }); break;
      case 'mutex.unlock': if (e.result === 0 && e.word === 0) locks.delete(`${e.pid}/${e.lock.addr}`); break;
      case 'mutex.init': case 'libc.lock-reset': locks.delete(`${e.pid}/${e.lock.addr}`); break;
      case 'futex.wait': t.status = 'blocked'; t.waits = `the lock ${e.lock ?? '0x' + e.addr.toString(16)} (futex wait)`; break;
      case 'futex.resume': t.status = 'running'; t.waits = undefined; break;
      case 'sem.wait': if (e.blocked) { t.status = 'blocked'; t.waits = `semaphore ${e.name}`; } else { t.status = 'running'; t.waits = undefined; } break;
      case 'cond.wait': t.status = 'blocked'; t.waits = `condition ${e.name}`; break;
      case 'proc.wait': if (e.blocked) { t.status = 'blocked'; t.waits = `process ${e.child} to exit`; } else { t.status = 'running'; t.waits = undefined; } break;
      case 'fork': {
        const c = proc(e.child);
        c.parent = e.pid;
        c.fds = new Map(p.fds);
        for (const l of [...locks.values()]) if (l.pid === e.pid) locks.set(`${e.child}/${keyAddr(locks, l)}`, { ...l, pid: e.child });
        break;
      }
      case 'fork.child': p.parent = e.parent; break;
      case 'proc.exit':
        p.exited = e.status;
        for (const th of threads.values()) if (th.pid === e.pid) { th.status = 'exited'; th.waits = undefined; }
        break;
      case 'proc.exec': for (const fd of e.closed) p.fds.delete(fd); break;
      case 'fd.open': p.fds.set(e.fd, e.path); break;
      case 'fd.close': p.fds.delete(e.fd); break;
      case 'fd.dup2': if (e.result >= 0) p.fds.set(e.to, p.fds.get(e.from) ?? `fd ${e.from}`); break;
      case 'fd.socketpair': p.fds.set(e.fds[0], 'socketpair end A'); p.fds.set(e.fds[1], 'socketpair end B'); break;
      case 'sys.recvmsg': for (const fd of e.fds ?? []) p.fds.set(fd, 'connection from the server'); break;
      default: break;
    }
  }
  const alive = (pid: number, tid: number) => {
    const th = threads.get(tid);
    return !!th && th.pid === pid && th.status !== 'exited';
  };
  return {
    step,
    time,
    threads: [...threads.values()],
    locks: [...locks.values()].map((l) => ({ ...l, orphan: !alive(l.pid, l.owner) && procs.get(l.pid)?.exited === undefined })),
    procs: [...procs.values()],
  };
}

function keyAddr(locks: Map<string, { pid: number; name: string }>, l: { pid: number; name: string }): string {
  for (const [k, v] of locks) if (v === l) return k.slice(k.indexOf('/') + 1);
  return l.name;
}
