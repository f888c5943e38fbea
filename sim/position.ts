// Source positions carried by operations, for following a program line by line: a generator's
// operations pass through `marked`, which tags each with a line unless an inner call tagged it first.
// The C front end marks by statement (sim/c/track.ts); the Playground's TypeScript library marks by
// the caller's line (components/playground/positions.ts). The world never reads the tag.

/** The key under which an operation carries its line. */
export const LOC = Symbol.for('forklore.position');

/** The line an operation was marked with, 0 when it carries none. */
export const lineOf = (op: object | null | undefined): number =>
  (op as Record<symbol, number> | null | undefined)?.[LOC] ?? 0;

/** Passes every operation through, marking each with `line` unless an inner call marked it first. */
export function* marked(
  inner: Generator<unknown, unknown, unknown>,
  line: number,
): Generator<unknown, unknown, unknown> {
  let r = inner.next();
  for (;;) {
    if (r.done) return r.value;
    const op = r.value;
    if (op && typeof op === 'object' && !(LOC in op)) (op as Record<symbol, number>)[LOC] = line;
    let input: unknown;
    try {
      input = yield op;
    } catch (err) {
      r = inner.throw(err);
      continue;
    }
    r = inner.next(input);
  }
}
