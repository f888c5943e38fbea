// File descriptors: open, close, dup, dup2, socketpair, fcntl (close-on-exec and close-on-fork),
// write, read (stdin, and pipes: ops/pipe.ts), and Plash's connection request over fd 3 (sendmsg, recvmsg carrying an fd).
import {
  EBADF,
  EINVAL,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  FD_CLOEXEC,
  FD_CLOFORK,
  O_CLOEXEC,
  O_CLOFORK,
  O_APPEND,
  O_NONBLOCK,
  O_RDONLY,
  O_WRONLY,
} from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { OpKind, Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { Proc, Thread } from '../state.ts';
import type { Kernel } from '../kernel.ts';
import type { Access } from '../../types.ts';
import {
  PIPE_CAPACITY,
  pipeEnds,
  pipeEntry,
  pipeFlagAccesses,
  pipeIoAccesses,
  pipeRead,
  pipeReadable,
  pipeWritable,
  pipeWrite,
} from './pipe.ts';
import {
  fileEntry,
  fileFlagAccesses,
  fileIoAccesses,
  fileRead,
  fileWrite,
  openAccesses,
  openFile,
  openFlagNames,
} from './file.ts';

function lowestFd(p: Proc): number {
  let fd = 0;
  while (p.fds.has(fd)) fd++;
  return fd;
}

function flagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & O_CLOEXEC) out.push('O_CLOEXEC');
  if (flags & O_CLOFORK) out.push('O_CLOFORK');
  return out;
}

type FdKind = Extract<
  OpKind,
  'open' | 'close' | 'dup' | 'dup2' | 'socketpair' | 'fcntl' | 'write' | 'read' | 'sendmsg' | 'recvmsg_conn'
>;

/** Ops that change the descriptor table write it; those that only use a descriptor read it. */
const table = (_k: Kernel, t: Thread): Access[] => [writes(key.fd(t.pid))];
const uses = (_k: Kernel, t: Thread): Access[] => [reads(key.fd(t.pid))];

export const fdOps: Models<FdKind> = {
  open: {
    accesses: (k, t, o) => [writes(key.fd(t.pid)), ...openAccesses(k, o.path, o.flags)],
    exec(k, t, o) {
      const p = k.procOf(t);
      const ofd = openFile(k, t, o.path, o.flags);
      if (typeof ofd === 'number') {
        k.emit(t, { type: 'fd.open', fd: -1, path: o.path, flags: openFlagNames(o.flags), result: ofd });
        k.complete(t, ofd);
        return;
      }
      const fd = lowestFd(p);
      p.fds.set(fd, { ofd, cloexec: !!(o.flags & O_CLOEXEC), clofork: !!(o.flags & O_CLOFORK) });
      k.emit(t, { type: 'fd.open', fd, path: o.path, flags: openFlagNames(o.flags) });
      k.complete(t, fd);
    },
    describe: (o) => `open(${o.path})`,
  },
  close: {
    accesses: (k, t, o) => [writes(key.fd(t.pid)), ...pipeEnds(k.procOf(t), o.fd)],
    exec(k, t, o) {
      const ok = k.procOf(t).fds.delete(o.fd);
      k.emit(t, { type: 'fd.close', fd: o.fd, result: ok ? 0 : -EBADF });
      k.complete(t, ok ? 0 : -1);
    },
    describe: (o) => `close(${o.fd})`,
  },
  dup: {
    accesses: table,
    exec(k, t, o) {
      const p = k.procOf(t);
      const e = p.fds.get(o.fd);
      if (!e) {
        k.complete(t, -1);
        return;
      }
      const fd = lowestFd(p);
      p.fds.set(fd, { ofd: e.ofd, cloexec: false, clofork: false });
      k.emit(t, { type: 'fd.dup2', from: o.fd, to: fd, result: fd });
      k.complete(t, fd);
    },
    describe: (o) => `dup(${o.fd})`,
  },
  dup2: {
    // dup2 closes what `to` was: the last write end of a pipe, say.
    accesses: (k, t, o) => [writes(key.fd(t.pid)), ...(o.from !== o.to ? pipeEnds(k.procOf(t), o.to) : [])],
    exec(k, t, o) {
      const p = k.procOf(t);
      const e = p.fds.get(o.from);
      if (!e) {
        k.emit(t, { type: 'fd.dup2', from: o.from, to: o.to, result: -EBADF });
        k.complete(t, -1);
        return;
      }
      if (o.from !== o.to) {
        p.fds.set(o.to, { ofd: e.ofd, cloexec: false, clofork: false });
        // The fresh connection has reached its place: it no longer belongs to a pending fork.
        delete e.owner;
      }
      k.emit(t, { type: 'fd.dup2', from: o.from, to: o.to, result: o.to });
      k.complete(t, o.to);
    },
    describe: (o) => `dup2(${o.from}, ${o.to})`,
  },
  socketpair: {
    accesses: table,
    exec(k, t, o) {
      const p = k.procOf(t);
      const a = lowestFd(p);
      const ofd = { id: k.nextOfd(t), path: 'socket:[pair]' };
      const flags = { cloexec: !!(o.flags & O_CLOEXEC), clofork: !!(o.flags & O_CLOFORK) };
      p.fds.set(a, { ofd, ...flags });
      const b = lowestFd(p);
      p.fds.set(b, { ofd: { id: k.nextOfd(t), path: 'socket:[pair]' }, ...flags });
      k.emit(t, { type: 'fd.socketpair', fds: [a, b], flags: flagNames(o.flags) });
      k.complete(t, [a, b]);
    },
    describe: () => 'socketpair',
  },
  fcntl: {
    accesses: (k, t, o) => [
      writes(key.fd(t.pid)),
      ...(o.cmd === F_SETFL ? pipeFlagAccesses(k.procOf(t), o.fd) : []),
      ...(o.cmd === F_SETFL || o.cmd === F_GETFL ? fileFlagAccesses(k.procOf(t), o.fd, o.cmd === F_SETFL) : []),
    ],
    exec(k, t, o) {
      const e = k.procOf(t).fds.get(o.fd);
      if (!e) {
        k.complete(t, -1);
        return;
      }
      if (o.cmd === F_SETFD) {
        e.cloexec = !!(o.arg & FD_CLOEXEC);
        e.clofork = !!(o.arg & FD_CLOFORK);
        k.complete(t, 0);
      } else if (o.cmd === F_GETFD) k.complete(t, (e.cloexec ? FD_CLOEXEC : 0) | (e.clofork ? FD_CLOFORK : 0));
      else if ((o.cmd === F_GETFL || o.cmd === F_SETFL) && !e.ofd.pipe && !e.ofd.file)
        k.threadThrew(
          t,
          new Error(`fcntl F_GETFL/F_SETFL on fd ${o.fd}: the simulator keeps status flags for pipes and files only`),
        );
      else if (o.cmd === F_GETFL && e.ofd.file)
        k.complete(t, (e.ofd.mode ?? 0) | (e.ofd.append ? O_APPEND : 0) | (e.ofd.nonblock ? O_NONBLOCK : 0));
      else if (o.cmd === F_SETFL && e.ofd.file) {
        // setfl (fs/fcntl.c): O_APPEND and O_NONBLOCK change, the access mode stays.
        if (o.arg & O_APPEND) e.ofd.append = true;
        else delete e.ofd.append;
        if (o.arg & O_NONBLOCK) e.ofd.nonblock = true;
        else delete e.ofd.nonblock;
        k.complete(t, 0);
      } else if (o.cmd === F_GETFL)
        // The access mode and O_NONBLOCK (fs/fcntl.c): the only status flag the simulator keeps.
        k.complete(t, (e.ofd.end === 'w' ? O_WRONLY : O_RDONLY) | (e.ofd.nonblock ? O_NONBLOCK : 0));
      else if (o.cmd === F_SETFL) {
        // setfl (fs/fcntl.c) sets the description's flags: every descriptor that shares it sees them.
        if (o.arg & O_NONBLOCK) e.ofd.nonblock = true;
        else delete e.ofd.nonblock;
        k.complete(t, 0);
      } else k.complete(t, -EINVAL);
    },
    describe: (o) => `fcntl(${o.fd})`,
  },
  write: {
    accesses(k, t, o) {
      const f = fileEntry(k.procOf(t), o.fd);
      if (f) return fileIoAccesses(f, t.pid, true);
      const e = pipeEntry(k.procOf(t), o.fd);
      return e ? pipeIoAccesses(k, t, e, true) : uses(k, t);
    },
    canRun(k, t, o) {
      const e = pipeEntry(k.procOf(t), o.fd);
      return !e || pipeWritable(k, e, o);
    },
    exec(k, t, o) {
      if (!k.procOf(t).fds.has(o.fd)) {
        k.complete(t, -1);
        return;
      }
      const f = fileEntry(k.procOf(t), o.fd);
      if (f) {
        k.complete(t, fileWrite(k, t, o.fd, f, o.text));
        return;
      }
      const e = pipeEntry(k.procOf(t), o.fd);
      if (e) {
        pipeWrite(k, t, o.fd, e, o.text, o.done);
        return;
      }
      k.emit(t, { type: 'io.write', fd: o.fd, text: o.text });
      k.complete(t, o.text.length);
    },
    describe: (o) => `write(${o.fd})`,
    stuck: (_k, t, o) => ({
      pid: t.pid,
      tid: t.tid,
      waitsFor: { kind: 'pipe', name: `fd ${o.fd}` },
      sentence: `Thread ${t.tid} of process ${t.pid} waits in write on fd ${o.fd}, a pipe that stays full while a read end is open.`,
    }),
  },
  read: {
    accesses(k, t, o) {
      const f = fileEntry(k.procOf(t), o.fd);
      if (f) return fileIoAccesses(f, t.pid, false);
      const e = pipeEntry(k.procOf(t), o.fd);
      return e ? pipeIoAccesses(k, t, e, false) : uses(k, t);
    },
    canRun(k, t, o) {
      const e = pipeEntry(k.procOf(t), o.fd);
      return !e || pipeReadable(k, e);
    },
    exec(k, t, o) {
      const f = fileEntry(k.procOf(t), o.fd);
      if (f) return k.complete(t, fileRead(k, t, o.fd, f, o.n ?? PIPE_CAPACITY));
      if (!k.procOf(t).fds.has(o.fd)) return k.complete(t, -EBADF);
      const e = pipeEntry(k.procOf(t), o.fd);
      if (e) pipeRead(k, t, o.fd, e, o.n ?? PIPE_CAPACITY);
      else k.complete(t, k.readStdin());
    },
    describe: (o) => `read(${o.fd})`,
    stuck: (_k, t, o) => ({
      pid: t.pid,
      tid: t.tid,
      waitsFor: { kind: 'pipe', name: `fd ${o.fd}` },
      sentence: `Thread ${t.tid} of process ${t.pid} waits in read on fd ${o.fd}, a pipe that stays empty while a write end is open.`,
    }),
  },
  sendmsg: {
    accesses: uses,
    exec(k, t, o) {
      k.emit(t, { type: 'sys.sendmsg', fd: o.fd, bytes: 36, what: o.what });
      k.complete(t, k.procOf(t).fds.has(o.fd) ? 36 : -1);
    },
    describe: (o) => `sendmsg(${o.fd})`,
  },
  recvmsg_conn: {
    accesses: table,
    exec(k, t, o) {
      const p = k.procOf(t);
      if (!p.fds.has(o.fd)) {
        k.emit(t, { type: 'sys.recvmsg', fd: o.fd, bytes: -1, what: 'connection' });
        k.complete(t, -1);
        return;
      }
      const fd = lowestFd(p);
      p.fds.set(fd, {
        ofd: { id: k.nextOfd(t), path: 'socket:[plash-server]' },
        cloexec: false,
        clofork: false,
        owner: t.tid,
      });
      k.emit(t, { type: 'sys.recvmsg', fd: o.fd, bytes: 28, what: 'connection', fds: [fd] });
      k.complete(t, fd);
    },
    describe: (o) => `recvmsg(${o.fd})`,
  },
};
