// The table of op models, one per kind of step: the world asks it for every step's accesses, effects,
// blocking rule, words and stuck sentence. Its type lists every StepOp kind, so an op without a model
// does not compile.
import type { StepOp } from '../../api/ops.ts';
import type { OpKind, OpModel, OpOf } from '../op-model.ts';
import { atomicOps } from './atomic.ts';
import { cellOps } from './cell.ts';
import { condOps } from './cond.ts';
import { execOps } from './exec.ts';
import { fdOps } from './fd.ts';
import { fileOps } from './file.ts';
import { forkOps } from './fork.ts';
import { libcOps } from './libc.ts';
import { mallocOps } from './malloc.ts';
import { mutexOps } from './mutex.ts';
import { pipeOps } from './pipe.ts';
import { processOps } from './process.ts';
import { semOps } from './sem.ts';
import { signalOps } from './signal.ts';
import { threadOps } from './thread.ts';
import { timeOps } from './time.ts';

type Table = { [K in OpKind]: OpModel<OpOf<K>> };

const OPS: Table = {
  ...mutexOps,
  ...condOps,
  ...semOps,
  ...cellOps,
  ...atomicOps,
  ...threadOps,
  ...processOps,
  ...forkOps,
  ...execOps,
  ...fdOps,
  ...fileOps,
  ...pipeOps,
  ...signalOps,
  ...libcOps,
  ...mallocOps,
  ...timeOps,
};

/** The same table as a Map: every step asks for its op's model several times, by a key that varies. */
const MODELS = new Map<string, OpModel<StepOp>>(Object.entries(OPS) as [string, OpModel<StepOp>][]);

/** Every step operation's kind. */
export const OP_KINDS: ReadonlySet<string> = new Set(MODELS.keys());

/** The model of an op's kind (the table holds the model of each kind under its key). */
export function modelOf(o: StepOp): OpModel<StepOp> {
  return MODELS.get(o.k)!;
}
