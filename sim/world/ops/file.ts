// Regular files, as Linux keeps them. A path names an inode (its bytes); open makes an open file
// description (struct file) that holds the offset (f_pos), the access mode and O_APPEND; a descriptor
// points at a description, and dup and fork share it (fs/file.c, fs/fork.c: the child's table points at
// the same struct file). So a parent and a child that write through an inherited descriptor move one
// offset: their writes follow each other instead of overwriting (man 2 fork, "open file descriptions").
// A read, write or lseek of a regular file is one step: fs/read_write.c takes f_pos_lock around it
// (fdget_pos: FMODE_ATOMIC_POS, set for regular files by fs/open.c do_dentry_open), and with O_APPEND
// the end of file and the write are one (generic_write_checks sets the position to i_size under the
// inode lock). Paths are looked up in the machine's one file system, outside every process (fork copies
// none of it): "sys/path:PATH" is a name, "sys/file:INO" an inode's bytes and "sys/ofd:ID" a
// description's offset. Every directory exists; only /dev/null is there before the program runs.
import {
  EBADF,
  EEXIST,
  EINVAL,
  ENOENT,
  ESPIPE,
  O_ACCMODE,
  O_APPEND,
  O_CLOEXEC,
  O_CLOFORK,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
} from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { Access } from '../../types.ts';
import type { Kernel } from '../kernel.ts';
import type { Models, OpKind } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { FdEntry, Inode, Ofd, Proc, Thread } from '../state.ts';

/** The machine's file system: every name and the inode it names. */
export interface FileSystem {
  paths: Map<string, Inode>;
}

export function newFileSystem(): FileSystem {
  const fs: FileSystem = { paths: new Map() };
  // drivers/char/mem.c: reads give end of file, writes are taken whole and dropped, lseek gives 0.
  // A file a thread creates gets its inode number as descriptions get ids (openFile).
  fs.paths.set('/dev/null', { ino: 1, data: '', dev: 'null' });
  return fs;
}

/** One spelling per name: "./a" and "a" are one file, "/tmp//x" is "/tmp/x". */
export function normalPath(path: string): string {
  let p = path.replace(/\/{2,}/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p.replace(/\/\.\//g, '/');
}

const pathKey = (path: string) => key.system(`path:${normalPath(path)}`);
const fileKey = (f: Inode) => key.system(`file:${f.ino}`);
const ofdKey = (o: Ofd) => key.system(`ofd:${o.id}`);

/** The regular file (or /dev/null) behind descriptor `fd` of `p`, if it is one. */
export function fileEntry(p: Proc, fd: number): (FdEntry & { ofd: Ofd & { file: Inode } }) | undefined {
  const e = p.fds.get(fd);
  return e?.ofd.file ? (e as FdEntry & { ofd: Ofd & { file: Inode } }) : undefined;
}

const ACCESS_NAMES = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'];

/** The flags open was given, as strace names them. */
export function openFlagNames(flags: number): string[] {
  const out = [ACCESS_NAMES[flags & O_ACCMODE]!];
  const named: [number, string][] = [
    [O_CREAT, 'O_CREAT'],
    [O_EXCL, 'O_EXCL'],
    [O_TRUNC, 'O_TRUNC'],
    [O_APPEND, 'O_APPEND'],
    [O_CLOEXEC, 'O_CLOEXEC'],
    [O_CLOFORK, 'O_CLOFORK'],
  ];
  for (const [bit, name] of named) if (flags & bit) out.push(name);
  return out;
}

/** What open touches: the name (written when it may create or truncate), and the bytes O_TRUNC drops. */
export function openAccesses(k: Kernel, path: string, flags: number): Access[] {
  const out = [flags & (O_CREAT | O_TRUNC) ? writes(pathKey(path)) : reads(pathKey(path))];
  const f = k.fs.paths.get(normalPath(path));
  if (f && flags & O_TRUNC) out.push(writes(fileKey(f)));
  return out;
}

/**
 * fs/namei.c do_last/open_last_lookups and fs/open.c: O_CREAT makes the name if it is missing (with
 * O_EXCL a name that exists is EEXIST); without O_CREAT a missing name is ENOENT; O_TRUNC empties a
 * regular file opened for writing or not (Linux truncates even with O_RDONLY, do_truncate in
 * handle_truncate). The result is the description, or -errno.
 */
export function openFile(k: Kernel, t: Thread, path: string, flags: number): Ofd | number {
  const name = normalPath(path);
  if (name === '') return -ENOENT;
  let f = k.fs.paths.get(name);
  if (f && flags & O_CREAT && flags & O_EXCL) return -EEXIST;
  if (!f) {
    if (!(flags & O_CREAT)) return -ENOENT;
    // Numbered by the thread that made it, as descriptions are (World.nextOfd): creations in two
    // threads commute.
    f = { ino: k.nextOfd(t), data: '' };
    k.fs.paths.set(name, f);
  }
  if (flags & O_TRUNC && !f.dev) f.data = '';
  const ofd: Ofd = { id: k.nextOfd(t), path: name, file: f, pos: 0, mode: flags & O_ACCMODE };
  if (flags & O_APPEND) ofd.append = true;
  return ofd;
}

const canRead = (o: Ofd) => o.mode === O_RDONLY || o.mode === O_RDWR;
const canWrite = (o: Ofd) => o.mode === O_WRONLY || o.mode === O_RDWR;

/** The bytes `text` put into `f` at `at`: a hole before it reads as zero bytes (fs/read_write.c, sparse files). */
function putBytes(f: Inode, at: number, text: string): void {
  const d = f.data.length < at ? f.data + '\0'.repeat(at - f.data.length) : f.data;
  f.data = d.slice(0, at) + text + d.slice(at + text.length);
}

/** fcntl F_GETFL reads a file's status flags, F_SETFL writes them: they are its description's. */
export function fileFlagAccesses(p: Proc, fd: number, write: boolean): Access[] {
  const e = fileEntry(p, fd);
  return e ? [write ? writes(ofdKey(e.ofd)) : reads(ofdKey(e.ofd))] : [];
}

/** A read or write through a description: it moves the offset (a write with O_APPEND starts at the end). */
export function fileIoAccesses(e: FdEntry & { ofd: Ofd & { file: Inode } }, pid: number, write: boolean): Access[] {
  return [reads(key.fd(pid)), writes(ofdKey(e.ofd)), write ? writes(fileKey(e.ofd.file)) : reads(fileKey(e.ofd.file))];
}

/** write(2) on a regular file or /dev/null: the bytes at the offset, which moves past them; -errno. */
export function fileWrite(
  k: Kernel,
  t: Thread,
  fd: number,
  e: FdEntry & { ofd: Ofd & { file: Inode } },
  text: string,
): number {
  const o = e.ofd;
  if (!canWrite(o)) return -EBADF;
  k.emit(t, { type: 'io.write', fd, text });
  if (o.file.dev === 'null') return text.length;
  const at = o.append ? o.file.data.length : (o.pos ?? 0);
  putBytes(o.file, at, text);
  o.pos = at + text.length;
  return text.length;
}

/** read(2): up to `n` bytes from the offset, which moves past them ('' at end of file); or -errno. */
export function fileRead(
  k: Kernel,
  t: Thread,
  fd: number,
  e: FdEntry & { ofd: Ofd & { file: Inode } },
  n: number,
): string | number {
  const o = e.ofd;
  if (!canRead(o)) return -EBADF;
  const at = o.pos ?? 0;
  const text = o.file.data.slice(at, at + Math.max(0, n));
  o.pos = at + text.length;
  k.emit(t, { type: 'io.read', fd, text, n });
  return text;
}

/** A positional call (pread, pwrite, ftruncate, fstat): the descriptor table, and the file's bytes. */
function bytesAccess(k: Kernel, t: Thread, fd: number, write: boolean): Access[] {
  const e = fileEntry(k.procOf(t), fd);
  if (!e) return [reads(key.fd(t.pid))];
  return [reads(key.fd(t.pid)), write ? writes(fileKey(e.ofd.file)) : reads(fileKey(e.ofd.file))];
}

type FileKind = Extract<OpKind, 'lseek' | 'pread' | 'pwrite' | 'unlink' | 'ftruncate' | 'fstat'>;

/** The description of `fd` (or -EBADF), and whether it is a regular file (else -ESPIPE for the positional calls). */
function fileOrErr(p: Proc, fd: number): (FdEntry & { ofd: Ofd & { file: Inode } }) | number {
  const e = p.fds.get(fd);
  if (!e) return -EBADF;
  return e.ofd.file ? (e as FdEntry & { ofd: Ofd & { file: Inode } }) : -ESPIPE;
}

function sys(k: Kernel, t: Thread, call: string, args: string, result: number): void {
  k.emit(t, { type: 'sys.file', call, args, result });
}

const quoteArg = (s: string) => JSON.stringify(s.length > 32 ? s.slice(0, 32) : s) + (s.length > 32 ? '...' : '');

/** st_mode's file type (include/uapi/linux/stat.h): what fstat says of each kind of description. */
export const S_IFREG = 0o100000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;
export const S_IFSOCK = 0o140000;

export const fileOps: Models<FileKind> = {
  lseek: {
    // generic_file_llseek_size (fs/read_write.c): SEEK_CUR with offset 0 only reads f_pos; SEEK_END reads i_size.
    accesses(k, t, o) {
      const e = fileEntry(k.procOf(t), o.fd);
      if (!e) return [reads(key.fd(t.pid))];
      const out = [
        reads(key.fd(t.pid)),
        o.whence === SEEK_CUR && o.off === 0 ? reads(ofdKey(e.ofd)) : writes(ofdKey(e.ofd)),
      ];
      if (o.whence === SEEK_END) out.push(reads(fileKey(e.ofd.file)));
      return out;
    },
    exec(k, t, o) {
      const e = fileOrErr(k.procOf(t), o.fd);
      let r: number;
      if (typeof e === 'number') r = e;
      else if (e.ofd.file.dev === 'null')
        r = e.ofd.pos = 0; // null_lseek: "return file->f_pos = 0"
      else {
        const base =
          o.whence === SEEK_SET
            ? 0
            : o.whence === SEEK_CUR
              ? (e.ofd.pos ?? 0)
              : o.whence === SEEK_END
                ? e.ofd.file.data.length
                : NaN;
        const at = base + o.off;
        if (!Number.isInteger(at) || at < 0) r = -EINVAL;
        else r = e.ofd.pos = at;
      }
      sys(k, t, 'lseek', `${o.fd}, ${o.off}, ${['SEEK_SET', 'SEEK_CUR', 'SEEK_END'][o.whence] ?? o.whence}`, r);
      k.complete(t, r);
    },
    describe: (o) => `lseek(${o.fd})`,
  },
  pread: {
    accesses: (k, t, o) => bytesAccess(k, t, o.fd, false),
    exec(k, t, o) {
      const e = fileOrErr(k.procOf(t), o.fd);
      if (typeof e === 'number') return k.complete(t, e);
      if (!canRead(e.ofd)) return k.complete(t, -EBADF);
      if (o.at < 0) return k.complete(t, -EINVAL);
      // ksys_pread64: the offset is the caller's; f_pos stays.
      const text = e.ofd.file.data.slice(o.at, o.at + Math.max(0, o.n));
      k.emit(t, { type: 'io.read', fd: o.fd, text, n: o.n, at: o.at });
      k.complete(t, text);
    },
    describe: (o) => `pread(${o.fd})`,
  },
  pwrite: {
    accesses: (k, t, o) => bytesAccess(k, t, o.fd, true),
    exec(k, t, o) {
      const e = fileOrErr(k.procOf(t), o.fd);
      if (typeof e === 'number') return k.complete(t, e);
      if (!canWrite(e.ofd)) return k.complete(t, -EBADF);
      if (o.at < 0) return k.complete(t, -EINVAL);
      k.emit(t, { type: 'io.write', fd: o.fd, text: o.text, at: o.at });
      // man 2 pwrite, BUGS: on Linux, with O_APPEND pwrite appends whatever the offset.
      if (e.ofd.file.dev !== 'null') putBytes(e.ofd.file, e.ofd.append ? e.ofd.file.data.length : o.at, o.text);
      k.complete(t, o.text.length);
    },
    describe: (o) => `pwrite(${o.fd})`,
  },
  unlink: {
    accesses: (_k, _t, o) => [writes(pathKey(o.path))],
    exec(k, t, o) {
      // The inode lives on while a description holds it (its bytes stay readable through them).
      const ok = k.fs.paths.delete(normalPath(o.path));
      const r = ok ? 0 : -ENOENT;
      sys(k, t, 'unlink', quoteArg(o.path), r);
      k.complete(t, r);
    },
    describe: (o) => `unlink(${o.path})`,
  },
  ftruncate: {
    accesses: (k, t, o) => bytesAccess(k, t, o.fd, true),
    exec(k, t, o) {
      const e = fileOrErr(k.procOf(t), o.fd);
      let r = 0;
      // do_sys_ftruncate (fs/open.c): EINVAL unless the description is open for writing; the offset stays.
      if (typeof e === 'number') r = e === -ESPIPE ? -EINVAL : e;
      else if (o.len < 0 || !canWrite(e.ofd)) r = -EINVAL;
      else if (e.ofd.file.dev !== 'null') {
        const d = e.ofd.file.data;
        e.ofd.file.data = d.length >= o.len ? d.slice(0, o.len) : d + '\0'.repeat(o.len - d.length);
      }
      sys(k, t, 'ftruncate', `${o.fd}, ${o.len}`, r);
      k.complete(t, r);
    },
    describe: (o) => `ftruncate(${o.fd})`,
  },
  fstat: {
    accesses: (k, t, o) => bytesAccess(k, t, o.fd, false),
    exec(k, t, o) {
      const e = k.procOf(t).fds.get(o.fd);
      if (!e) {
        sys(k, t, 'fstat', `${o.fd}`, -EBADF);
        return k.complete(t, -EBADF);
      }
      const f = e.ofd.file;
      const mode = f
        ? f.dev
          ? S_IFCHR | 0o666
          : S_IFREG | 0o600
        : e.ofd.pipe || e.ofd.path.startsWith('pipe:')
          ? S_IFIFO | 0o600
          : e.ofd.path.startsWith('socket:')
            ? S_IFSOCK | 0o777
            : S_IFCHR | 0o620;
      const size = f && !f.dev ? f.data.length : 0;
      // The terminal is a pty (/dev/pts/N, major 136: glibc's DEV_TTY_P), whose st_blksize is 1024;
      // pipes, sockets, /dev/null and files here say 4096 (measured on Linux 6.18).
      const tty = !f && !e.ofd.pipe && e.ofd.path === '/dev/tty';
      const blksize = tty ? 1024 : 4096;
      sys(k, t, 'fstat', `${o.fd}, {st_mode=0${mode.toString(8)}, st_size=${size}, st_blksize=${blksize}}`, 0);
      k.complete(t, { size, mode, ino: f?.ino ?? 0, blksize, tty });
    },
    describe: (o) => `fstat(${o.fd})`,
  },
};
