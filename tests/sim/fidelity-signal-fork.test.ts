// fork() in a signal handler. POSIX.1-2017 still listed fork among the async-signal-safe functions;
// Austin Group issue 62 removed it and POSIX.1-2024 adds _Fork, which "shall be async-signal-safe"
// (research/facts.md §4; glibc 2.34 NEWS: _Fork is "an async-signal-safe fork replacement since Austin
// Group issue 62 dropped the async-signal-safe requirement for fork"). glibc's own fork still makes a
// best effort in single-threaded processes (posix/fork.c: "to make fork safer to use in signal
// handlers"), which changes what happens, not what POSIX allows.
import { describe, expect, it } from 'vitest';
import { _Fork, _exit, fork, getpid, kill, sigaction, waitpid, SIGUSR1 } from '../../sim/api/index.ts';
import { explore } from '../../sim/explore/index.ts';
import { prog } from './world-helpers.ts';

function program(raw: boolean) {
  return prog(function* main() {
    yield* sigaction(SIGUSR1, function* handler() {
      const pid = raw ? yield* _Fork() : yield* fork();
      if (pid === 0) yield* _exit(0);
      yield* waitpid(pid);
    });
    yield* kill(yield* getpid(), SIGUSR1);
  });
}

describe('fork in a signal handler', () => {
  it('is an unsafe call, even in a single-threaded process, citing POSIX.1-2024', () => {
    const report = explore(program(false));
    expect(report.verdict).toBe('unsafe-call');
    const f = report.findings.find((x) => x.kind === 'unsafe-call')!;
    expect(f.message).toContain('fork() in its SIGUSR1 handler');
    expect(f.message).toContain('POSIX.1-2024');
    expect(f.message).toContain('_Fork is async-signal-safe');
  });

  it('_Fork there is not', () => {
    expect(explore(program(true)).verdict).toBe('ok');
  });
});
