// Freezes every object reachable from the sandbox's global object (constructors, prototypes, JSON,
// Math, Reflect, the iterator and generator prototypes...) so that a checked program, which runs in
// the same QuickJS realm as the simulator, cannot change how the simulator computes or serialises its
// verdict (a patched JSON.stringify, Array.prototype.push or Map.prototype.get). It runs once, after
// the simulator's modules are evaluated and before the program's first line.
//
// Freezing a prototype turns `instance.name = x` into a TypeError when `name` is a data property of
// the frozen prototype (the "override mistake"); the usual names are turned into accessors that set
// an own property on the instance instead, as SES's lockdown does for the same reason.

const OVERRIDABLE: readonly PropertyKey[] = [
  'constructor',
  'name',
  'message',
  'toString',
  'valueOf',
  'toLocaleString',
  'toJSON',
  Symbol.toStringTag,
];

function tameOverride(proto: object): void {
  for (const key of OVERRIDABLE) {
    const d = Object.getOwnPropertyDescriptor(proto, key);
    if (!d || !('value' in d) || !d.configurable) continue;
    const value: unknown = d.value;
    Object.defineProperty(proto, key, {
      configurable: false,
      enumerable: d.enumerable ?? false,
      get() {
        return value;
      },
      set(this: object, v: unknown) {
        if (this === proto)
          throw new TypeError(`Cannot assign to read only property '${String(key)}' of a frozen prototype`);
        Object.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  }
}

/** The intrinsics that no global property names directly. */
function hiddenIntrinsics(): unknown[] {
  function* gen() {}
  async function af() {}
  async function* ag() {}
  const out: unknown[] = [
    gen,
    af,
    ag,
    gen(),
    ag(),
    [][Symbol.iterator](),
    new Map().entries(),
    new Set().values(),
    ''[Symbol.iterator](),
  ];
  try {
    out.push(/x/g[Symbol.matchAll]('x'));
  } catch {
    /* an engine without matchAll */
  }
  return out;
}

/** Freezes the realm; returns how many objects it froze (for tests). */
export function lockdown(global: object): number {
  return harden([global, ...hiddenIntrinsics()]);
}

/**
 * Freezes every object reachable from `roots` (through properties, accessors and prototypes): the
 * realm's intrinsics, and the program library that the program and the simulator share.
 */
export function harden(roots: readonly unknown[]): number {
  const seen = new Set<object>();
  const queue: unknown[] = [...roots];
  while (queue.length > 0) {
    const o = queue.pop();
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;
    seen.add(o);
    queue.push(Object.getPrototypeOf(o));
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (!d) continue;
      if ('value' in d) queue.push(d.value);
      else queue.push(d.get, d.set);
    }
  }
  for (const o of seen) {
    if (Object.prototype.hasOwnProperty.call(o, 'constructor')) tameOverride(o);
  }
  for (const o of seen) Object.freeze(o);
  return seen.size;
}
