// Per-process memory: the objects reader code names by static handles (mutex('m'), cell('x'), ...),
// each created in a process the first time that process uses it. Fork copies them (ops/fork.ts).
import type { MutexHandle } from '../api/ops.ts';
import { cloneValue } from './kernel.ts';
import { markFresh } from './fingerprint.ts';
import { addrOf } from './naming.ts';
import { zeroCond, type MemObj, type Proc } from './state.ts';

/**
 * Each handle's key in Proc.mem, made once (every step that touches an object looks it up), with the
 * name it was made from: a handle whose name changed gets a new one.
 */
const keys = new WeakMap<object, { name: string; key: string }>();

/** The object handle `h` names in process `p`, created from the handle on first use. */
export function memObj(p: Proc, h: { handle: string; name: string }): MemObj {
  let memo = keys.get(h);
  if (memo === undefined || memo.name !== h.name) keys.set(h, (memo = { name: h.name, key: `${h.handle}:${h.name}` }));
  const key = memo.key;
  let o = p.mem.get(key);
  if (o) return o;
  const anyH = h as MutexHandle & { initial?: unknown };
  switch (h.handle) {
    case 'mutex': {
      const m = anyH as MutexHandle;
      o = {
        kind: 'mutex',
        name: m.name,
        type: m.type,
        internal: !!m.internal,
        addr: addrOf(m.name, !!m.internal),
        word: 0,
        owner: 0,
        count: 0,
        waiters: [],
        io: !!m.io,
        ownerTcb: 0,
      };
      break;
    }
    case 'cell':
      o = { kind: 'cell', name: h.name, value: cloneValue(anyH.initial) };
      break;
    case 'sem':
      o = { kind: 'sem', name: h.name, value: Number(anyH.initial ?? 0) };
      break;
    case 'cond':
      o = { kind: 'cond', name: h.name, waiters: [], ...zeroCond() };
      break;
    default:
      throw new Error(`not a simulated object: ${JSON.stringify(h)}`);
  }
  p.mem.set(key, o);
  markFresh(o);
  return o;
}
