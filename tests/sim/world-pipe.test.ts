// A write longer than PIPE_BUF to a pipe is not atomic (pipe(7): "the data given to write(2) may be
// interleaved with write(2)s by other processes"): Linux's pipe_write (fs/pipe.c) fills one free page
// of the pipe's 16 at a time and, with none left, waits for the reader with the rest, its bytes so
// far already readable. A write of at most PIPE_BUF goes in whole or not at all. The page model's
// figures are measured: tests/c/measured/pipe_nb.c.
import { describe, expect, it } from 'vitest';
import { pipe, printf, pthread_create, pthread_join, read, write } from '../../sim/api/index.ts';
import { finished, prog, searchRuns, stdoutOf } from './world-helpers.ts';

const PAGE = 'p'.repeat(4096);

function outputs(main: () => Generator<unknown, unknown, unknown>): string[] {
  const { report, runs } = searchRuns(prog(main), { strategy: 'dpor', stopAtFirst: false });
  expect(report.findings).toEqual([]);
  expect(report.completeness.complete).toBe(true);
  return [...new Set(finished(runs).map(stdoutOf))].sort();
}

describe('pipe writes longer than PIPE_BUF', () => {
  it("go in by pages: another thread's write can land between them; the long write still returns its whole count", () => {
    const outs = outputs(function* main() {
      const [r, w] = yield* pipe();
      for (let i = 0; i < 15; i++) yield* write(w, PAGE);
      // 15 of 16 pages full: A's 8,192 bytes take the last and wait for the rest; B's byte waits too.
      const a = yield* pthread_create(function* writerA() {
        return yield* write(w, 'a'.repeat(8192));
      });
      const b = yield* pthread_create(function* writerB() {
        yield* write(w, 'b');
      });
      let got = '';
      while (got.length < 15 * 4096 + 8192 + 1) got += (yield* read(r, 70000)) as string;
      const n = yield* pthread_join(a);
      yield* pthread_join(b);
      yield* printf(`A ${String(n)}, b at ${got.indexOf('b')}, a run ${/a+b?a*/.exec(got)![0].length}\n`);
    });
    // b before A, inside A (after its first page: a reader freed a page before A's second), or after.
    expect(outs).toEqual([
      'A 8192, b at 61440, a run 8192\n',
      'A 8192, b at 65536, a run 8193\n',
      'A 8192, b at 69632, a run 8193\n',
    ]);
  });

  it('a write of PIPE_BUF bytes is never split: it waits for a whole free page', () => {
    const outs = outputs(function* main() {
      const [r, w] = yield* pipe();
      for (let i = 0; i < 16; i++) yield* write(w, PAGE);
      const a = yield* pthread_create(function* writerA() {
        return yield* write(w, 'a'.repeat(4096));
      });
      const b = yield* pthread_create(function* writerB() {
        yield* write(w, 'b');
      });
      // 1,000 bytes read from the front page free no page: A still waits, and B with it.
      let got = (yield* read(r, 1000)) as string;
      while (got.length < 16 * 4096 + 4097) got += (yield* read(r, 70000)) as string;
      yield* pthread_join(a);
      yield* pthread_join(b);
      yield* printf(`${/a+/.exec(got)![0].length}\n`);
    });
    expect(outs).toEqual(['4096\n']);
  });
});
