// StraceLog's note placement: notes follow the log in order, and a note whose line is gone fails the build.
import { describe, expect, it } from 'vitest';
import { placeNotes } from '../../components/strace-notes.ts';

const log = [
  '[pid 1000] clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD) = 1002',
  '[pid 1001] clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD) = 1003',
  '[pid 1002] futex(0x55555555e288, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>',
];

describe('placing notes on an strace log', () => {
  it('a note attaches to the first line that contains its key, numbered from 1', () => {
    expect(placeNotes(log, { FUTEX_WAIT_PRIVATE: 'stuck' })).toEqual([{ line: 2, text: 'stuck', mark: 1 }]);
  });

  it('two notes with the same key describe two successive matching lines', () => {
    const notes = placeNotes(log, [['clone(', 'first fork'], ['clone(', 'second fork']]);
    expect(notes.map((n) => n.line)).toEqual([0, 1]);
  });

  it('a note never attaches to a line before the previous note', () => {
    expect(() => placeNotes(log, [['futex(', 'wait'], ['clone(', 'fork']])).toThrow(/no line after line 3 contains "clone\("/);
  });

  it('a key that matches no line fails, naming the key', () => {
    expect(() => placeNotes(log, { 'wait4(': 'parent waits' }, 'ch1')).toThrow(/ch1: no line after line 0 contains "wait4\("/);
  });
});
