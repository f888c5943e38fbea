// Semaphores: sem_init (sets the value), sem_wait (waits at 0), sem_trywait (EAGAIN at 0) and sem_post.
import { EAGAIN } from '../../api/posix.ts';
import { key } from '../../access.ts';
import type { Models } from '../op-model.ts';
import { writes } from '../op-model.ts';
import type { SemObj } from '../state.ts';

export const semOps: Models<'sem_init' | 'sem_wait' | 'sem_post'> = {
  sem_init: {
    accesses: (_k, t, o) => [writes(key.sem(t.pid, o.s.name))],
    exec(k, t, o) {
      const s = k.mem(k.procOf(t), o.s) as SemObj;
      s.value = o.value;
      k.emit(t, { type: 'sem.init', name: s.name, value: s.value });
      k.complete(t, 0);
    },
    describe: (o) => `sem_init(${o.s.name}, ${o.value})`,
  },
  sem_wait: {
    accesses: (_k, t, o) => [writes(key.sem(t.pid, o.s.name))],
    canRun: (k, t, o) => o.try || (k.mem(k.procOf(t), o.s) as SemObj).value > 0,
    exec(k, t, o) {
      const s = k.mem(k.procOf(t), o.s) as SemObj;
      if (s.value > 0) {
        s.value--;
        k.emit(t, { type: 'sem.wait', name: s.name, value: s.value, blocked: false });
        k.complete(t, 0);
      } else {
        k.emit(t, { type: 'sem.wait', name: s.name, value: s.value, blocked: true });
        k.complete(t, EAGAIN);
      }
    },
    describe: (o) => `${o.try ? 'sem_trywait' : 'sem_wait'}(${o.s.name})`,
    stuck: (_k, t, o) => ({
      pid: t.pid,
      tid: t.tid,
      waitsFor: { kind: 'sem', name: o.s.name },
      sentence: `Thread ${t.tid} of process ${t.pid} waits in sem_wait on ${o.s.name}, whose value stays 0.`,
    }),
  },
  sem_post: {
    accesses: (_k, t, o) => [writes(key.sem(t.pid, o.s.name))],
    exec(k, t, o) {
      const s = k.mem(k.procOf(t), o.s) as SemObj;
      s.value++;
      k.emit(t, { type: 'sem.post', name: s.name, value: s.value });
      k.complete(t, 0);
    },
    describe: (o) => `sem_post(${o.s.name})`,
  },
};
