// Shared variables: load and store, each a step of its own.
import { key } from '../../access.ts';
import type { Models } from '../op-model.ts';
import { reads, writes } from '../op-model.ts';
import type { CellObj } from '../state.ts';

export const cellOps: Models<'load' | 'store'> = {
  load: {
    accesses: (_k, t, o) => [reads(key.cell(t.pid, o.c.name))],
    exec(k, t, o) {
      const c = k.mem(k.procOf(t), o.c) as CellObj;
      k.emit(t, { type: 'cell.read', name: c.name, value: c.value });
      k.complete(t, c.value);
    },
    describe: (o) => `load(${o.c.name})`,
  },
  store: {
    accesses: (_k, t, o) => [writes(key.cell(t.pid, o.c.name))],
    exec(k, t, o) {
      const c = k.mem(k.procOf(t), o.c) as CellObj;
      c.value = o.v;
      k.emit(t, { type: 'cell.write', name: c.name, value: o.v });
      k.complete(t, undefined);
    },
    describe: (o) => `store(${o.c.name}, ${JSON.stringify(o.v)})`,
  },
};
