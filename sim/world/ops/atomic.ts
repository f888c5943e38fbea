// Atomic read-modify-write of a shared variable: one step that reads the cell and writes it, as a
// locked x86-64 instruction (lock xadd, lock cmpxchg, xchg) does. Every access is sequentially
// consistent: the model has no weaker memory order, so it shows the outcomes a program has when its
// relaxed or acquire/release atomics behave as seq_cst ones (a subset of what real hardware may show).
import { key } from '../../access.ts';
import { type CellHandle, rmwResult } from '../../api/ops.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { writes } from '../op-model.ts';
import type { CellObj, Thread } from '../state.ts';

const cellKey = (t: Thread, c: CellHandle) => (c.shared ? key.system(`shm:${c.name}`) : key.cell(t.pid, c.name));
const cellObj = (k: Kernel, t: Thread, c: CellHandle) =>
  c.shared ? k.sharedCell(c) : (k.mem(k.procOf(t), c) as CellObj);

const INT64 = { bits: 64, signed: true };

export const atomicOps: Models<'rmw'> = {
  rmw: {
    accesses: (_k, t, o) => [writes(cellKey(t, o.c))],
    exec(k, t, o) {
      const c = cellObj(k, t, o.c);
      const old = c.value;
      k.emit(t, { type: 'cell.read', name: c.name, value: old });
      const nv = rmwResult(o.f, old, o.v, o.expected, o.int ?? INT64);
      if (o.f !== 'cas' || nv !== old) {
        c.value = nv;
        k.emit(t, { type: 'cell.write', name: c.name, value: nv });
      }
      k.complete(t, old);
    },
    describe: (o) =>
      o.f === 'cas'
        ? `compare_exchange(${o.c.name}, ${JSON.stringify(o.expected)}, ${JSON.stringify(o.v)})`
        : `atomic_${o.f === 'xchg' ? 'exchange' : `fetch_${o.f}`}(${o.c.name}, ${JSON.stringify(o.v)})`,
  },
};
