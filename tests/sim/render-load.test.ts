// strace rendering, explanations, and loading program files in Node.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _Fork, _exit, mutex, pthread_mutex_lock, pthread_mutex_unlock, waitpid } from '../../sim/api/index.ts';
import { explain, renderStrace } from '../../sim/render/index.ts';
import { loadProgram } from '../../sim/load-node.ts';
import { drive, prog, forkWhileHeld } from './world-helpers.ts';

const m = mutex('m');
const noAddr = (line: string) => line.replace(/0x[0-9a-f]+/g, '0xADDR');
function deadlocked() {
  const run = drive(forkWhileHeld(m), ['1000', '1001', '1000', '1002', '1001', '1001']);
  expect(run.enabled()).toEqual([]); // the end of the run: the deadlock is known now
  return run;
}

describe('renderStrace', () => {
  it('renders the hang as the seed shows it: clone, then a futex wait left unfinished', () => {
    const run = deadlocked();
    const text = renderStrace(run.trace());
    const lines = text.split('\n');
    expect(lines.map(noAddr)).toContain(
      '[pid 1000] clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0xADDR) = 1002',
    );
    const wait = lines.find((l) => l.startsWith('[pid 1002] futex('))!;
    expect(wait).toMatch(/^\[pid 1002\] futex\(0x[0-9a-f]+, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished \.\.\.>$/);
    expect(lines.indexOf(wait)).toBeGreaterThan(lines.findIndex((l) => l.includes('clone(child_stack=NULL')));
    expect(lines.filter((l) => l.startsWith('[pid 1002]'))).toHaveLength(1);
    expect(lines.at(-1)).toBe('[pid 1000] wait4(1002, <unfinished ...>');
  });

  it('prints nothing for uncontended locks and a full wait4 line for a reaped child', () => {
    const run = drive(
      prog(function* main2() {
        yield* pthread_mutex_lock(m);
        yield* pthread_mutex_unlock(m);
        const pid = yield* _Fork();
        if (pid === 0) yield* _exit(3);
        yield* waitpid(pid);
        yield* _exit(0);
      }),
      ['1000', '1000', '1000', '1001', '1000', '1000'],
    );
    expect(renderStrace(run.trace()).split('\n').map(noAddr)).toEqual([
      '[pid 1000] clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0xADDR) = 1001',
      '[pid 1001] exit_group(3) = ?',
      '[pid 1000] wait4(1001, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 1001',
      '[pid 1000] exit_group(0) = ?',
    ]);
  });
});

describe('explain', () => {
  it('says which thread holds the lock and that fork left it behind', () => {
    const [f] = deadlocked().findings();
    const sentences = explain(f!);
    expect(sentences.join(' ')).toContain('held by thread 1001, which does not exist in process 1002');
    expect(sentences.at(-1)).toBe(
      'Only the thread that called fork is copied into the child, so no thread in process 1002 will ever unlock it.',
    );
  });
});

describe('loadProgram', () => {
  it('loads an example with its options and expected verdict', async () => {
    const r = await loadProgram(fileURLToPath(new URL('../../content/examples/tst-fork1-r743-2.ts', import.meta.url)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.program.options).toEqual({ libc: 'glibc', plash: true });
    expect(r.program.expected).toEqual({ verdict: 'deadlock', also: ['fd-leak'] });
    expect(typeof r.program.main).toBe('function');
  });

  it('returns a syntax error with its file, line and column instead of throwing', async () => {
    // Written at test time: a file with a syntax error in the tree would break the type check.
    const file = join(mkdtempSync(join(tmpdir(), 'forklore-test-')), 'broken.ts');
    writeFileSync(
      file,
      "import { write } from 'forklore';\nexport default function* main() {\n  yield* write(1, 'x');\n  yield* write(1, 'x' +);\n}\n",
    );
    const r = await loadProgram(file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.file).toBe(file);
    expect(r.error.line).toBe(4);
    expect(r.error.column).toBeGreaterThan(1);
    expect(r.error.message.length).toBeGreaterThan(0);
  });
});
