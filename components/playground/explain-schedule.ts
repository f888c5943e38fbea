// "Explain this schedule": the counterexample told in numbered sentences, one per decisive step (a lock
// taken or released, a fork and what it copied, a wait, a finding), from the trace alone.
import type { TraceEvent } from '../../sim/events.ts';
import type { StuckThread } from '../../sim/types.ts';
import { stateAt } from './state-at.ts';

export interface Sentence {
  step: number;
  text: string;
}

const ERRNO: Record<number, string> = { 1: 'EPERM', 11: 'EAGAIN', 16: 'EBUSY', 22: 'EINVAL', 35: 'EDEADLK' };

const list = (xs: string[]) =>
  xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;

/** The sentences, in step order; consecutive glibc-internal steps are left out (the fork sentence covers them). */
export function explainSchedule(trace: readonly TraceEvent[], stuck: readonly StuckThread[] = []): Sentence[] {
  const fns = new Map<number, string>();
  for (const e of trace) {
    if (e.type === 'thread.start' && !fns.has(e.tid)) fns.set(e.tid, e.fn);
    // A forked child's thread runs a copy of the forking thread's function.
    if (e.type === 'fork.child' && fns.has(e.parentTid)) fns.set(e.tid, `${fns.get(e.parentTid)}, copied`);
  }
  const who = (tid: number) => `thread ${tid}${fns.get(tid) ? ` (${fns.get(tid)})` : ''}`;
  const Who = (tid: number) => {
    const w = who(tid);
    return w[0]!.toUpperCase() + w.slice(1);
  };
  const out: Sentence[] = [];
  const say = (step: number, text: string) => out.push({ step, text });
  trace.forEach((e, i) => {
    switch (e.type) {
      case 'thread.create':
        say(e.step, `${Who(e.tid)} creates thread ${e.child}.`);
        break;
      case 'mutex.lock':
        if (e.lock.kind !== 'lll') say(e.step, `${Who(e.tid)} takes ${e.lock.name}.`);
        break;
      case 'mutex.trylock':
        if (e.lock.kind !== 'lll')
          say(e.step, `${Who(e.tid)} tries ${e.lock.name}: ${e.result === 0 ? 'it gets it' : 'it is busy'}.`);
        break;
      case 'mutex.unlock':
        if (e.result !== 0)
          say(
            e.step,
            `${Who(e.tid)} unlocks ${e.lock.name} and fails with ${ERRNO[e.result] ?? `error ${e.result}`}: in process ${e.pid} the lock belongs to another thread.`,
          );
        else if (e.lock.kind !== 'lll' && e.word === 0) say(e.step, `${Who(e.tid)} releases ${e.lock.name}.`);
        break;
      case 'mutex.init':
        say(e.step, `${Who(e.tid)} re-initialises ${e.lock.name}, whatever state it was in.`);
        break;
      case 'futex.wait': {
        const w = stateAt(trace.slice(0, i), e.step);
        const lock = w.locks.find((l) => l.pid === e.pid && l.name === e.lock);
        const holder = lock
          ? lock.orphan
            ? `held by thread ${lock.owner}, which is not in process ${e.pid}`
            : `held by thread ${lock.owner}`
          : 'taken';
        say(e.step, `${Who(e.tid)} finds ${e.lock ?? 'the lock'} ${holder}, and sleeps until it is released.`);
        break;
      }
      case 'fork': {
        // What the child inherits: every lock of the parent in its current state, owner included.
        const w = stateAt(trace.slice(0, i), e.step);
        const mine = trace
          .slice(i + 1)
          .filter((x) => x.type === 'libc.lock-reset' && x.pid === e.child)
          .map((x) => (x as { lock: { name: string } }).lock.name);
        const held = w.locks.filter((l) => l.pid === e.pid && !mine.includes(l.name));
        const others = held.filter((l) => l.owner !== e.tid);
        const own = held.filter((l) => l.owner === e.tid);
        const call = e.raw ? '_Fork' : 'fork';
        let text = `${Who(e.tid)} calls ${call}: process ${e.child} is born with one thread, a copy of this one.`;
        if (others.length)
          text = `${Who(e.tid)} calls ${call} while ${list(others.map((l) => `thread ${l.owner} holds ${l.name}`))}: process ${e.child} gets ${others.length === 1 ? 'that lock' : 'those locks'} still locked, by a thread it does not have.`;
        else if (own.length)
          text += ` The child's copy of ${list(own.map((l) => l.name))} is held by the child's own thread, which can release it.`;
        else text += ' No lock is held, so every copy in the child is free.';
        say(e.step, text);
        break;
      }
      case 'atfork.run':
        if (!e.internal) say(e.step, `${Who(e.tid)} runs its ${e.phase} handler (pthread_atfork #${e.index}).`);
        break;
      case 'proc.wait':
        say(
          e.step,
          e.blocked
            ? `${Who(e.tid)} waits for process ${e.child} to exit.`
            : `${Who(e.tid)} reaps process ${e.child} (status ${e.status}).`,
        );
        break;
      case 'proc.exit':
        say(e.step, `Process ${e.pid} exits with status ${e.status}.`);
        break;
      case 'thread.join':
        say(e.step, `${Who(e.tid)} joins thread ${e.target}.`);
        break;
      case 'sem.wait':
        if (e.blocked) say(e.step, `${Who(e.tid)} waits on semaphore ${e.name}.`);
        break;
      case 'cond.wait':
        say(e.step, `${Who(e.tid)} waits on condition ${e.name}, releasing ${e.mutex}.`);
        break;
      case 'sys.recvmsg':
        if (e.fds?.length) say(e.step, `${Who(e.tid)} receives ${e.what} as fd ${e.fds.join(', ')}.`);
        break;
      case 'fd.leak':
        say(e.step, `fd ${e.fd}, thread ${e.owner}'s, leaks into process ${e.intoPid}.`);
        break;
      case 'signal.deliver':
        say(e.step, `${e.sig} interrupts ${who(e.tid)}, which runs its handler.`);
        break;
      case 'unsafe-call':
        say(
          e.step,
          `${Who(e.tid)} calls ${e.fn}, which is not async-signal-safe ${e.context === 'fork-child' ? 'in the child of a multi-threaded process' : 'in a signal handler'}.`,
        );
        break;
      case 'assert.fail':
        say(e.step, `An assertion fails in ${who(e.tid)}: ${e.message}.`);
        break;
      case 'error':
        say(e.step, `${Who(e.tid)} fails: ${e.message}.`);
        break;
      default:
        break;
    }
  });
  if (stuck.length) {
    const last = trace.length ? trace[trace.length - 1]!.step : 0;
    const orphan = stuck.find((s) => s.holderLeftBehindByFork);
    say(
      last,
      `No thread can take another step: ${list(stuck.map((s) => `thread ${s.tid}`))} ${stuck.length === 1 ? 'waits' : 'wait'} forever.` +
        (orphan
          ? ` Thread ${orphan.holder} holds the lock only in the parent; in process ${orphan.pid} nobody will ever release it.`
          : ''),
    );
  }
  return out;
}
