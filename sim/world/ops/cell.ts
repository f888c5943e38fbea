// Shared variables: load and store, each a step of its own. A cell in a MAP_SHARED mapping is one
// object of the machine (sys/shm:NAME), which every process reads and writes; fork copies the others.
import { key } from '../../access.ts';
import type { CellHandle } from '../../api/ops.ts';
import type { Kernel } from '../kernel.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { CellObj, Thread } from '../state.ts';

const cellKey = (t: Thread, c: CellHandle) => (c.shared ? key.system(`shm:${c.name}`) : key.cell(t.pid, c.name));
const cellObj = (k: Kernel, t: Thread, c: CellHandle) =>
  c.shared ? k.sharedCell(c) : (k.mem(k.procOf(t), c) as CellObj);

export const cellOps: Models<'load' | 'store'> = {
  load: {
    accesses: (_k, t, o) => [reads(cellKey(t, o.c))],
    exec(k, t, o) {
      const c = cellObj(k, t, o.c);
      k.emit(t, { type: 'cell.read', name: c.name, value: c.value });
      k.complete(t, c.value);
    },
    describe: (o) => `load(${o.c.name})`,
  },
  store: {
    accesses: (_k, t, o) => [writes(cellKey(t, o.c))],
    exec(k, t, o) {
      const c = cellObj(k, t, o.c);
      c.value = o.v;
      k.emit(t, { type: 'cell.write', name: c.name, value: o.v });
      k.complete(t, undefined);
    },
    describe: (o) => `store(${o.c.name}, ${JSON.stringify(o.v)})`,
  },
};
