// The random small programs the DPOR-against-enumeration property tests run: one spec grammar, built
// as TypeScript generators by tests/sim/property-dpor-world.test.ts and written as C by
// tests/c/property-c-dpor.test.ts. A front end's own extra operations plug in as `Extra`.
import fc from 'fast-check';
import type { LibcModel } from '../../sim/types.ts';

export type Cell = 'a' | 'b';
export type Mx = 'm1' | 'm2';
export type Target = 'main' | 'sib' | 'self' | 'proc';

export type Op<Extra = never> =
  | { k: 'crit'; m: Mx; inner: Op<Extra>[] }
  | { k: 'trylock'; m: Mx }
  | { k: 'store'; c: Cell; v: number }
  | { k: 'inc'; c: Cell }
  | { k: 'malloc' }
  | { k: 'printf' }
  | { k: 'kill'; target: Target; sig: 'SIGUSR1' | 'SIGUSR2' }
  | { k: 'sigaction'; sig: 'SIGUSR1' | 'SIGUSR2'; h: 0 | 1 }
  /** pthread_sigmask(SIG_BLOCK or SIG_UNBLOCK, {sig}) on the calling thread (SIGCHLD: a child's end then sends it). */
  | { k: 'mask'; sig: 'SIGUSR1' | 'SIGUSR2' | 'SIGCHLD'; block: boolean }
  /** A handler for SIGCHLD, which each child's end then sends: it increments b (CHLD_HANDLER). */
  | { k: 'chld' }
  | { k: 'post' }
  | { k: 'semwait'; trywait: boolean }
  | { k: 'condwait' }
  | { k: 'condsignal'; all: boolean }
  | { k: 'fork'; raw: boolean; child: Op<Extra>[]; end: 'exit' | '_exit'; wait: boolean }
  | { k: 'end'; how: 'exit' | '_exit' }
  /** On the regular file main opens first (fd 3, shared by every thread and inherited by children). */
  | { k: 'fwrite' }
  | { k: 'fseek' }
  | { k: 'fread'; c: Cell }
  | Extra;

export interface Spec<Extra = never> {
  libc: LibcModel;
  futex: 'exact' | 'blocking';
  handlers: [Op<Extra>[], Op<Extra>[]];
  atfork: 'none' | 'lock' | 'malloc';
  init: Op<Extra>[];
  threads: Op<Extra>[][];
  sem: number;
}

/** What a front end adds: leaf operations (placed after `inc`) and operations a forked child may run. */
export interface SpecExtras<Extra> {
  leaves: { arbitrary: fc.Arbitrary<Extra>; weight: number }[];
  child: Op<Extra>[];
}

export const cellArb = fc.constantFrom<Cell>('a', 'b');

/** The SIGCHLD handler's body ('chld'): not the random handlers, which may fork (a child's end would then fork again, for ever). */
export const CHLD_HANDLER: Op[] = [{ k: 'inc', c: 'b' }];

/** The spec grammar, with `extras` for what only one front end can express. */
export function specArbitrary<Extra = never>(
  extras: SpecExtras<Extra> = { leaves: [], child: [] },
): fc.Arbitrary<Spec<Extra>> {
  type O = Op<Extra>;
  const mx = fc.constantFrom<Mx>('m1', 'm2');
  const sig = fc.constantFrom<'SIGUSR1' | 'SIGUSR2'>('SIGUSR1', 'SIGUSR1', 'SIGUSR2');
  /** What a signal handler may do: take a lock, malloc, store, fork a child that _exits, post. */
  const handlerOp: fc.Arbitrary<O> = fc.oneof(
    mx.map((m): O => ({ k: 'crit', m, inner: [] })),
    fc.constant<O>({ k: 'malloc' }),
    fc.tuple(cellArb, fc.integer({ min: 1, max: 2 })).map(([c, v]): O => ({ k: 'store', c, v })),
    fc.constant<O>({ k: 'post' }),
    fc.constant<O>({ k: 'fork', raw: false, child: [], end: '_exit', wait: false }),
  );
  const leafOp: fc.Arbitrary<O> = fc.oneof(
    {
      arbitrary: fc.tuple(cellArb, fc.integer({ min: 1, max: 2 })).map(([c, v]): O => ({ k: 'store', c, v })),
      weight: 2,
    },
    { arbitrary: cellArb.map((c): O => ({ k: 'inc', c })), weight: 2 },
    ...extras.leaves.map(({ arbitrary, weight }) => ({ arbitrary: arbitrary.map((x): O => x), weight })),
    { arbitrary: fc.constant<O>({ k: 'malloc' }), weight: 2 },
    { arbitrary: fc.constant<O>({ k: 'printf' }), weight: 1 },
    { arbitrary: mx.map((m): O => ({ k: 'trylock', m })), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom<Target>('main', 'main', 'sib', 'self', 'proc'), sig)
        .map(([target, s]): O => ({ k: 'kill', target, sig: s })),
      weight: 3,
    },
    {
      arbitrary: fc.tuple(sig, fc.constantFrom<0 | 1>(0, 1)).map(([s, h]): O => ({ k: 'sigaction', sig: s, h })),
      weight: 1,
    },
    { arbitrary: fc.constant<O>({ k: 'post' }), weight: 1 },
    { arbitrary: fc.boolean().map((trywait): O => ({ k: 'semwait', trywait })), weight: 1 },
    { arbitrary: fc.constant<O>({ k: 'condwait' }), weight: 1 },
    { arbitrary: fc.boolean().map((all): O => ({ k: 'condsignal', all })), weight: 1 },
    { arbitrary: fc.constant<O>({ k: 'fwrite' }), weight: 1 },
    { arbitrary: fc.constant<O>({ k: 'fseek' }), weight: 1 },
    { arbitrary: cellArb.map((c): O => ({ k: 'fread', c })), weight: 1 },
  );
  const threadOp: fc.Arbitrary<O> = fc.oneof(
    { arbitrary: leafOp, weight: 6 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom<'SIGUSR1' | 'SIGUSR2' | 'SIGCHLD'>('SIGUSR1', 'SIGUSR2', 'SIGCHLD'), fc.boolean())
        .map(([s, block]): O => ({ k: 'mask', sig: s, block })),
      weight: 1,
    },
    { arbitrary: fc.constant<O>({ k: 'chld' }), weight: 1 },
    {
      arbitrary: fc.tuple(mx, fc.array(leafOp, { maxLength: 1 })).map(([m, inner]): O => ({ k: 'crit', m, inner })),
      weight: 2,
    },
    {
      arbitrary: fc
        .record({
          raw: fc.boolean(),
          child: fc.array(
            fc.constantFrom<O>(
              { k: 'malloc' },
              { k: 'printf' },
              { k: 'crit', m: 'm1', inner: [] },
              { k: 'fwrite' },
              ...extras.child,
            ),
            { maxLength: 1 },
          ),
          end: fc.constantFrom<'exit' | '_exit'>('exit', '_exit'),
          wait: fc.boolean(),
        })
        .map((f): O => ({ k: 'fork', ...f })),
      weight: 1,
    },
  );
  const ops = (max: number) => fc.array(threadOp, { minLength: 1, maxLength: max });
  return fc
    .record({
      libc: fc.constantFrom<LibcModel>('none', 'glibc', 'glibc-2.7'),
      futex: fc.constantFrom<'exact' | 'blocking'>('exact', 'blocking'),
      handlers: fc.tuple(
        fc.array(handlerOp, { minLength: 1, maxLength: 2 }),
        fc.array(handlerOp, { minLength: 1, maxLength: 1 }),
      ),
      atfork: fc.constantFrom<'none' | 'lock' | 'malloc'>('none', 'none', 'lock', 'malloc'),
      sig1: fc.boolean(),
      sig2: fc.boolean(),
      main: ops(2),
      others: fc.array(
        fc.tuple(ops(2), fc.option(fc.constantFrom<'exit' | '_exit'>('exit', '_exit'), { nil: undefined, freq: 4 })),
        { minLength: 1, maxLength: 2 },
      ),
      sem: fc.nat(1),
    })
    .map(({ libc, futex, handlers, atfork, sig1, sig2, main, others, sem }): Spec<Extra> => {
      const init: O[] = [];
      if (sig1) init.push({ k: 'sigaction', sig: 'SIGUSR1', h: 0 });
      if (sig2) init.push({ k: 'sigaction', sig: 'SIGUSR2', h: 1 });
      const threads = [main, ...others.map(([body, end]) => (end ? [...body, { k: 'end', how: end } as O] : body))];
      return { libc, futex, handlers, atfork, init, threads, sem };
    });
}
