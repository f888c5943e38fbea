// Regular files (sim/world/ops/file.ts), each rule as Linux has it:
// - open(2): O_CREAT makes a missing name, O_EXCL with it fails with EEXIST on a name that exists,
//   without O_CREAT a missing name is ENOENT, O_TRUNC empties the file (fs/namei.c, fs/open.c).
// - The offset lives in the open file description (struct file's f_pos), which dup and fork share
//   (man 2 fork: "the child inherits copies of the parent's set of open file descriptors ... each file
//   descriptor in the child refers to the same open file description ... share file offset").
// - A read or write of a regular file moves f_pos under f_pos_lock (fs/read_write.c ksys_write:
//   fdget_pos, vfs_write at file_ppos, f_pos = pos), so two writes at one shared offset follow each other.
// - O_APPEND: "the file offset is positioned at the end of the file ... as an atomic step" (man 2 open);
//   pwrite with O_APPEND appends too (man 2 pwrite, BUGS).
// - lseek: SEEK_CUR with offset 0 reads f_pos (generic_file_llseek_size); a negative result is EINVAL.
// - unlink removes the name; the inode lives while a description holds it (man 2 unlink).
import { describe, expect, it } from 'vitest';
import {
  close,
  dup,
  EBADF,
  EEXIST,
  EINVAL,
  ENOENT,
  ESPIPE,
  fork,
  fstat,
  ftruncate,
  lseek,
  mkstemp,
  O_APPEND,
  O_CREAT,
  O_EXCL,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
  open,
  pipe,
  pread,
  pthread_create,
  pthread_join,
  pwrite,
  read,
  SEEK_CUR,
  SEEK_END,
  SEEK_SET,
  unlink,
  waitpid,
  write,
  _exit,
} from '../../sim/api/index.ts';
import { createRun, search } from '../../sim/index.ts';
import { renderStrace } from '../../sim/render/strace.ts';
import type { Run } from '../../sim/types.ts';
import { prog, runFirst } from './world-helpers.ts';

/** Every outcome DPOR reaches: the values each run handed to `seen`, as one string per run. */
function outcomes(make: (seen: string[]) => () => Generator<unknown, unknown, unknown>): string[] {
  const all = new Set<string>();
  let cur: string[] = [];
  const runs: Run[] = [];
  const report = search(
    () => {
      cur = [];
      const seen = cur;
      const r = createRun(prog(make(seen)));
      runs.push(r);
      (r as Run & { seen?: string[] }).seen = seen;
      return r;
    },
    { strategy: 'dpor', stopAtFirst: false },
  );
  expect(report.findings).toEqual([]);
  expect(report.completeness.complete).toBe(true);
  for (const r of runs) if (r.enabled().length === 0) all.add((r as Run & { seen?: string[] }).seen!.join(' '));
  return [...all].sort();
}

describe('open, read, write, lseek on a regular file', () => {
  it('O_CREAT makes the file, a missing name is ENOENT, O_EXCL on an existing name is EEXIST', () => {
    const got: unknown[] = [];
    runFirst(
      prog(function* main() {
        got.push(yield* open('/tmp/f', O_RDONLY));
        const fd = yield* open('/tmp/f', O_WRONLY | O_CREAT);
        got.push(fd);
        got.push(yield* open('/tmp/f', O_RDWR | O_CREAT | O_EXCL));
        got.push(yield* write(fd, 'hello'));
        got.push(yield* read(fd, 5)); // opened for writing only
        const r = yield* open('/tmp//f', O_RDONLY);
        got.push(yield* read(r, 100), yield* read(r, 100));
        got.push(yield* write(r, 'x'));
        yield* open('/tmp/f', O_WRONLY | O_TRUNC);
        got.push(yield* lseek(r, 0, SEEK_SET), yield* read(r, 100));
      }),
    );
    expect(got).toEqual([-ENOENT, 3, -EEXIST, 5, -EBADF, 'hello', '', -EBADF, 0, '']);
  });

  it('write past the end leaves a hole of zero bytes; SEEK_END and a negative offset', () => {
    const got: unknown[] = [];
    runFirst(
      prog(function* main() {
        const fd = yield* open('f', O_RDWR | O_CREAT);
        yield* write(fd, 'ab');
        got.push(yield* lseek(fd, 2, SEEK_END));
        yield* write(fd, 'cd');
        got.push(yield* lseek(fd, -1, SEEK_SET), yield* lseek(fd, 0, SEEK_CUR));
        got.push(yield* pread(fd, 10, 0));
        got.push(yield* pwrite(fd, 'X', 1), yield* lseek(fd, 0, SEEK_CUR), yield* pread(fd, 10, 0));
        got.push(yield* ftruncate(fd, 3), yield* fstat(fd));
        const [pr] = yield* pipe();
        got.push(yield* lseek(pr, 0, SEEK_CUR));
      }),
    );
    expect(got).toEqual([
      4,
      -EINVAL,
      6,
      'ab\0\0cd',
      1,
      6,
      'aX\0\0cd',
      0,
      // The inode of main's (tid 1000) first created file: 1000 * 100000 + 1 (World.nextOfd).
      { size: 3, mode: 0o100600, ino: 100_000_001, blksize: 4096, tty: false },
      -ESPIPE,
    ]);
  });

  it('unlink removes the name; the open file keeps its bytes', () => {
    const got: unknown[] = [];
    const run = runFirst(
      prog(function* main() {
        const fd = yield* open('/tmp/u', O_RDWR | O_CREAT);
        yield* write(fd, 'kept');
        got.push(yield* unlink('/tmp/u'), yield* unlink('/tmp/u'));
        got.push(yield* open('/tmp/u', O_RDONLY));
        got.push(yield* pread(fd, 10, 0));
        got.push(yield* open('/tmp/u', O_RDWR | O_CREAT | O_EXCL));
      }),
    );
    expect(got).toEqual([0, -ENOENT, -ENOENT, 'kept', 4]);
    expect(renderStrace(run.trace())).toContain('unlink("/tmp/u") = -1 ENOENT (No such file or directory)');
    expect(renderStrace(run.trace())).toContain('openat(AT_FDCWD, "/tmp/u", O_RDONLY) = -1 ENOENT');
  });

  it('/dev/null is there before the program runs: writes are taken, reads give end of file', () => {
    const got: unknown[] = [];
    runFirst(
      prog(function* main() {
        const fd = yield* open('/dev/null', O_RDWR);
        got.push(yield* write(fd, 'gone'), yield* read(fd, 10), yield* lseek(fd, 5, SEEK_SET));
      }),
    );
    expect(got).toEqual([4, '', 0]);
  });

  it('mkstemp makes a new file for reading and writing, and tries again on a name that exists', () => {
    const got: unknown[] = [];
    runFirst(
      prog(function* main() {
        const a = yield* mkstemp('/tmp/tXXXXXX');
        expect(a.path).toMatch(/^\/tmp\/t[A-Za-z0-9]{6}$/);
        got.push(a.fd, yield* write(a.fd, 'x'), yield* pread(a.fd, 1, 0));
        // Taking the name it would make next: the same thread's second call picks another.
        const b = yield* mkstemp('/tmp/tXXXXXX');
        got.push(b.fd, b.path !== a.path);
        got.push((yield* mkstemp('/tmp/tXXXXX')).fd);
      }),
    );
    expect(got).toEqual([3, 1, 'x', 4, true, -EINVAL]);
  });
});

describe('the offset is shared by dup and fork, and moves in one step', () => {
  it("fork: the child's writes move the parent's offset (posix/tst-fork.c's check)", () => {
    const got: unknown[] = [];
    runFirst(
      prog(function* main() {
        const fd = yield* open('/tmp/s', O_RDWR | O_CREAT);
        yield* write(fd, 'This is a test');
        const pid = yield* fork();
        if (pid === 0) {
          yield* lseek(fd, 0, SEEK_SET);
          yield* write(fd, 'And here we go again');
          yield* _exit(0);
        }
        yield* waitpid(pid);
        got.push(yield* lseek(fd, 0, SEEK_CUR));
        yield* lseek(fd, 0, SEEK_SET);
        got.push(yield* read(fd, 100));
      }),
    );
    expect(got).toEqual([20, 'And here we go again']);
  });

  it('parent and child writing through one description never overwrite each other: both orders, nothing lost', () => {
    const outs = outcomes(
      (seen) =>
        function* main() {
          const fd = yield* open('/tmp/o', O_RDWR | O_CREAT);
          const pid = yield* fork();
          yield* write(fd, pid === 0 ? 'child ' : 'parent ');
          if (pid === 0) yield* _exit(0);
          yield* waitpid(pid);
          seen.push(JSON.stringify(yield* pread(fd, 100, 0)));
        },
    );
    expect(outs).toEqual(['"child parent "', '"parent child "']);
  });

  it('two descriptions of one file each have an offset: the second write overwrites the first', () => {
    const outs = outcomes(
      (seen) =>
        function* main() {
          const a = yield* open('/tmp/t', O_RDWR | O_CREAT);
          const b = yield* open('/tmp/t', O_RDWR);
          const t = yield* pthread_create(function* other() {
            yield* write(b, 'BB');
          });
          yield* write(a, 'A');
          yield* pthread_join(t);
          seen.push(JSON.stringify(yield* pread(a, 10, 0)));
        },
    );
    expect(outs).toEqual(['"AB"', '"BB"']);
  });

  it('O_APPEND: each write lands at the end, even from two descriptions', () => {
    const outs = outcomes(
      (seen) =>
        function* main() {
          const a = yield* open('/tmp/ap', O_WRONLY | O_CREAT | O_APPEND);
          const b = yield* open('/tmp/ap', O_RDWR | O_APPEND);
          const t = yield* pthread_create(function* other() {
            yield* write(b, 'BB');
          });
          yield* write(a, 'A');
          yield* pwrite(a, 'p', 0);
          yield* pthread_join(t);
          seen.push(JSON.stringify(yield* pread(b, 10, 0)));
        },
    );
    expect(outs).toEqual(['"ABBp"', '"ApBB"', '"BBAp"']);
  });

  it('dup shares the offset; close of one leaves the other', () => {
    const got: unknown[] = [];
    runFirst(
      prog(function* main() {
        const a = yield* open('/tmp/d', O_RDWR | O_CREAT);
        const b = yield* dup(a);
        yield* write(a, 'xy');
        got.push(yield* lseek(b, 0, SEEK_CUR));
        yield* close(a);
        got.push(yield* write(b, 'z'), yield* pread(b, 5, 0));
      }),
    );
    expect(got).toEqual([2, 1, 'xyz']);
  });

  it('a read racing with a write in another process sees the bytes before or after it, never half', () => {
    const outs = outcomes(
      (seen) =>
        function* main() {
          const fd = yield* open('/tmp/r', O_RDWR | O_CREAT);
          const pid = yield* fork();
          if (pid === 0) {
            yield* pwrite(fd, 'full', 0);
            yield* _exit(0);
          }
          seen.push(JSON.stringify(yield* pread(fd, 10, 0)));
          yield* waitpid(pid);
        },
    );
    expect(outs).toEqual(['""', '"full"']);
  });
});
