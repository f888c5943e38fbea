// Time: nanosleep (and sleep, usleep) advance the thread's virtual clock, shown in the views; the
// checker still assumes any thread can be delayed for any time, so a sleep touches nothing.
import type { Models } from '../op-model.ts';

export const timeOps: Models<'sleep'> = {
  sleep: {
    accesses: () => [],
    exec(k, t, o) {
      const until = t.clock + Math.max(0, o.ns);
      k.emit(t, { type: 'time.sleep', ns: o.ns, until });
      t.clock = until;
      k.complete(t, 0);
    },
    describe: (o) => `nanosleep(${o.ns})`,
  },
};
