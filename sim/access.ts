// The access-key grammar of the Run contract: the names of the objects a step reads or writes, which
// partial-order reduction compares. Keys are built and taken apart only here; the world builds them,
// the explorer asks these functions about them, and neither spells a key itself.
//
//   PID/m:NAME      a mutex (a user's or glibc's internal lock)     PID/fd        the descriptor table
//   PID/cell:NAME   a shared variable                               PID/atfork    the atfork handler list
//   PID/sem:NAME    a semaphore                                     PID/sig       the signal handlers
//   PID/cond:NAME   a condition variable                            PID/heap      malloc's heap
//   PID/exit        the exit status a parent's waitpid reads        PID/dl        the loaded objects
//   PID/children    the set of unreaped children (waitpid(-1))      PID/*         the whole process
//
// A key "PID/..." names process memory: fork copies it, and "PID/*" (fork reads it, an exit or execve
// writes it) overlaps every key of its process. Kept outside "PID/" on purpose, because fork does not
// copy them: the thread table (PID:threads, PID:thread:TID), futex queues (PID:futex:NAME), a thread's
// signal delivery state (PID:sig:TID, read by every step of that thread) and the set of threads a
// process-directed signal may go to (PID:sigtargets).

declare const objectKeyBrand: unique symbol;
/** A key naming one object, built by `key` below: a template string does not type-check as one. */
export type ObjectKey = string & { readonly [objectKeyBrand]: true };

const k = (s: string): ObjectKey => s as ObjectKey;

export const key = {
  mutex: (pid: number, name: string): ObjectKey => k(`${pid}/m:${name}`),
  cell: (pid: number, name: string): ObjectKey => k(`${pid}/cell:${name}`),
  sem: (pid: number, name: string): ObjectKey => k(`${pid}/sem:${name}`),
  cond: (pid: number, name: string): ObjectKey => k(`${pid}/cond:${name}`),
  fd: (pid: number): ObjectKey => k(`${pid}/fd`),
  atfork: (pid: number): ObjectKey => k(`${pid}/atfork`),
  sig: (pid: number): ObjectKey => k(`${pid}/sig`),
  heap: (pid: number): ObjectKey => k(`${pid}/heap`),
  dl: (pid: number): ObjectKey => k(`${pid}/dl`),
  exit: (pid: number): ObjectKey => k(`${pid}/exit`),
  children: (pid: number): ObjectKey => k(`${pid}/children`),
  /** Every object of the process at once: fork reads it, exit_group, execve and a fatal signal write it. */
  wholeProcess: (pid: number): ObjectKey => k(`${pid}/*`),
  // Outside "PID/": fork does not copy these.
  threads: (pid: number): ObjectKey => k(`${pid}:threads`),
  thread: (pid: number, tid: number): ObjectKey => k(`${pid}:thread:${tid}`),
  futexQueue: (pid: number, name: string): ObjectKey => k(`${pid}:futex:${name}`),
  signalState: (pid: number, tid: number): ObjectKey => k(`${pid}:sig:${tid}`),
  signalTargets: (pid: number): ObjectKey => k(`${pid}:sigtargets`),
  /** An object of the machine, outside every process (a stand-in world's id counter, say). */
  system: (name: string): ObjectKey => k(`sys/${name}`),
};

/**
 * The scope a key lies in: "1000/m:x" -> "1000/" (process memory of pid 1000); a key outside process
 * memory ("1000:threads") is its own scope. Two keys overlap when equal, or when one is whole-process
 * and both have the same scope.
 */
export function scopeOf(obj: ObjectKey): string {
  const slash = obj.indexOf('/');
  return slash < 0 ? obj : obj.slice(0, slash + 1);
}

/** "PID/*": the key overlaps every key of its process. */
export function isWholeProcess(obj: ObjectKey): boolean {
  return obj.endsWith('/*');
}

/** A mutex key (PID/m:NAME). */
export function isLock(obj: ObjectKey): boolean {
  return obj.includes('/m:');
}

/** Two keys name overlapping objects: equal, or one is "PID/*" and the other lies in the same process. */
export function overlaps(a: ObjectKey, b: ObjectKey): boolean {
  if (a === b) return true;
  if (!isWholeProcess(a) && !isWholeProcess(b)) return false;
  return scopeOf(a) === scopeOf(b);
}
