// Before reader code runs in the checker's worker: freeze every intrinsic the checker and the
// simulator share with it (Object.prototype, Array.prototype, JSON, Map, ...), and pin the global
// bindings that name them, so that a program cannot change how the checker behaves or what it
// answers (a replaced JSON.stringify, a polluted Object.prototype, a patched postMessage).
//
// Assigning to a property that a frozen prototype also has (`this.name = ...` in an Error subclass,
// `obj.toString = ...`) would then throw: the prototypes' data properties become accessors whose
// setter gives the object its own property instead, as SES's override taming does.

const INTRINSIC_GLOBALS = [
  'Object',
  'Function',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'BigInt',
  'Math',
  'JSON',
  'Reflect',
  'Proxy',
  'Promise',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'FinalizationRegistry',
  'RegExp',
  'Date',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Atomics',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Iterator',
  'eval',
  'isFinite',
  'isNaN',
  'parseFloat',
  'parseInt',
  'decodeURI',
  'decodeURIComponent',
  'encodeURI',
  'encodeURIComponent',
  'structuredClone',
  'queueMicrotask',
  // The web APIs the checker itself uses to answer and to listen.
  'MessagePort',
  'MessageChannel',
  'MessageEvent',
  'EventTarget',
  'Event',
  'ErrorEvent',
  'PromiseRejectionEvent',
  'SecurityPolicyViolationEvent',
  'TextEncoder',
  'TextDecoder',
  'postMessage',
  'addEventListener',
  'removeEventListener',
  'dispatchEvent',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
];

/** Hidden intrinsics reachable only through syntax. */
function hiddenIntrinsics(): unknown[] {
  const gen = function* () {};
  const agen = async function* () {};
  const afn = async function () {};
  return [
    Object.getPrototypeOf(gen), // %GeneratorFunction.prototype%
    Object.getPrototypeOf(gen.prototype), // %GeneratorPrototype%
    Object.getPrototypeOf(agen),
    Object.getPrototypeOf(agen.prototype),
    Object.getPrototypeOf(afn),
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())), // %IteratorPrototype%
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf(/x/[Symbol.matchAll]('')),
    Object.getPrototypeOf(Int8Array), // %TypedArray%
  ];
}

/** Data properties of a prototype become accessors, so that objects inheriting them can still set their own. */
function tameOverrides(proto: object) {
  for (const key of Reflect.ownKeys(proto)) {
    const desc = Reflect.getOwnPropertyDescriptor(proto, key);
    if (!desc || !('value' in desc) || !desc.configurable) continue;
    const value: unknown = desc.value;
    Reflect.defineProperty(proto, key, {
      get() {
        return value;
      },
      set(this: unknown, v: unknown) {
        if (this === proto || (typeof this !== 'object' && typeof this !== 'function') || this === null) {
          throw new TypeError(`Cannot assign to read only property '${String(key)}' of a frozen built-in`);
        }
        if (Object.hasOwn(this, key)) Reflect.set(this, key, v);
        else Reflect.defineProperty(this, key, { value: v, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable ?? false,
      configurable: false,
    });
  }
}

/** Freeze `root` and everything reachable from it through properties, accessors and prototypes. */
function harden(root: unknown, seen: Set<unknown>, tame: boolean) {
  const stack = [root];
  while (stack.length) {
    const x = stack.pop();
    if ((typeof x !== 'object' && typeof x !== 'function') || x === null || seen.has(x)) continue;
    seen.add(x);
    // The values first: taming turns them into accessors that hold them out of reach of this walk.
    for (const key of Reflect.ownKeys(x)) {
      const desc = Reflect.getOwnPropertyDescriptor(x, key);
      if (!desc) continue;
      if ('value' in desc) stack.push(desc.value);
      else stack.push(desc.get, desc.set);
    }
    stack.push(Object.getPrototypeOf(x));
    if (tame && typeof x === 'object' && isPrototype(x)) tameOverrides(x);
    Object.freeze(x);
  }
}

/** An object that is some constructor's prototype (the ones other objects inherit data properties from). */
function isPrototype(x: object): boolean {
  const desc = Reflect.getOwnPropertyDescriptor(x, 'constructor');
  const ctor: unknown = desc && 'value' in desc ? desc.value : undefined;
  return typeof ctor === 'function' && Reflect.getOwnPropertyDescriptor(ctor, 'prototype')?.value === x;
}

let done = false;

/**
 * Freeze the shared intrinsics and pin the global names that refer to them. `extra` are the
 * checker's own objects reader code can reach (the 'forklore' module it imports).
 */
export function lockdown(extra: unknown[] = []): void {
  if (done) return;
  done = true;
  const g = globalThis as Record<string, unknown>;
  const seen = new Set<unknown>();
  const roots: unknown[] = [];
  for (const name of INTRINSIC_GLOBALS) if (name in g) roots.push(g[name]);
  // Prototypes first, with their overrides tamed, then everything else they reach.
  for (const r of [...roots, ...hiddenIntrinsics()]) harden(r, seen, true);
  // The global scope's own prototype chain (WorkerGlobalScope, EventTarget): its methods stay callable.
  let p: unknown = Object.getPrototypeOf(globalThis);
  while (p) {
    harden(p, seen, false);
    p = Object.getPrototypeOf(p);
  }
  for (const name of INTRINSIC_GLOBALS) {
    const desc = Reflect.getOwnPropertyDescriptor(globalThis, name);
    if (desc?.configurable)
      Reflect.defineProperty(globalThis, name, {
        ...desc,
        configurable: false,
        ...('value' in desc ? { writable: false } : {}),
      });
  }
  for (const e of extra) harden(e, seen, false);
}
