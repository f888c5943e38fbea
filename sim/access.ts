// The access-key grammar of the Run contract: the names of the objects a step reads or writes, which
// partial-order reduction compares. Keys are built and taken apart only here; the world builds them,
// the explorer asks these functions about them, and neither spells a key itself.
//
//   PID/m:NAME      a mutex (a user's or glibc's internal lock)     PID/fd        the descriptor table
//   PID/cell:NAME   a shared variable                               PID/atfork    the atfork handler list
//   PID/sem:NAME    a semaphore                                     PID/sig       the signal handlers
//   PID/cond:NAME   a condition variable                            PID/heap      malloc's heap
//   PID/exit        the exit status a parent's waitpid reads        PID/dl        the loaded objects
//   PID/arenas      malloc's arena list and free list
//   PID/children    the set of unreaped children (waitpid(-1))      PID/*         the whole process
//
// A key "PID/..." names process memory: fork copies it, and "PID/*" (fork reads it, an exit or execve
// writes it) overlaps every key of its process. Kept outside "PID/" on purpose, because fork does not
// copy them: the thread table (PID:threads, PID:thread:TID), futex queues (PID:futex:NAME), a thread's
// signal delivery state (PID:sig:TID, read by every step of that thread), its mask (PID:mask:TID)
// and the set of threads a process-directed signal may go to (PID:sigtargets).

declare const objectKeyBrand: unique symbol;
/** A key naming one object, built by `key` below: a template string does not type-check as one. */
export type ObjectKey = string & { readonly [objectKeyBrand]: true };

const k = (s: string): ObjectKey => s as ObjectKey;

// Keys are built at every step of every execution: each is made once and kept, so that a step looks
// its keys up instead of building strings (and a search compares the same string instances).
type Memo<A extends unknown[]> = (...args: A) => ObjectKey;
function perPid(build: (pid: number) => string): Memo<[number]> {
  const memo = new Map<number, ObjectKey>();
  return (pid) => {
    let s = memo.get(pid);
    if (s === undefined) memo.set(pid, (s = k(build(pid))));
    return s;
  };
}
function perPidAnd<T extends string | number>(build: (pid: number, x: T) => string): Memo<[number, T]> {
  const memo = new Map<number, Map<T, ObjectKey>>();
  return (pid, x) => {
    let inner = memo.get(pid);
    if (inner === undefined) memo.set(pid, (inner = new Map<T, ObjectKey>()));
    let s = inner.get(x);
    if (s === undefined) {
      // A bound on what is kept: programs with very many objects build keys again, as before.
      if (inner.size >= 10_000) inner.clear();
      inner.set(x, (s = k(build(pid, x))));
    }
    return s;
  };
}

export const key = {
  mutex: perPidAnd<string>((pid, name) => `${pid}/m:${name}`),
  cell: perPidAnd<string>((pid, name) => `${pid}/cell:${name}`),
  sem: perPidAnd<string>((pid, name) => `${pid}/sem:${name}`),
  cond: perPidAnd<string>((pid, name) => `${pid}/cond:${name}`),
  fd: perPid((pid) => `${pid}/fd`),
  atfork: perPid((pid) => `${pid}/atfork`),
  sig: perPid((pid) => `${pid}/sig`),
  heap: perPid((pid) => `${pid}/heap`),
  arenas: perPid((pid) => `${pid}/arenas`),
  dl: perPid((pid) => `${pid}/dl`),
  exit: perPid((pid) => `${pid}/exit`),
  children: perPid((pid) => `${pid}/children`),
  /** Every object of the process at once: fork reads it, exit_group, execve and a fatal signal write it. */
  wholeProcess: perPid((pid) => `${pid}/*`),
  // Outside "PID/": fork does not copy these.
  threads: perPid((pid) => `${pid}:threads`),
  thread: perPidAnd<number>((pid, tid) => `${pid}:thread:${tid}`),
  /** A thread's result in its descriptor, when not NULL: its exit and a join write it, fork reads it. */
  threadResult: perPidAnd<number>((pid, tid) => `${pid}:result:${tid}`),
  futexQueue: perPidAnd<string>((pid, name) => `${pid}:futex:${name}`),
  signalState: perPidAnd<number>((pid, tid) => `${pid}:sig:${tid}`),
  /** A thread's signal mask, as a child's end reads the leader's to decide whether SIGCHLD is sent. */
  sigmask: perPidAnd<number>((pid, tid) => `${pid}:mask:${tid}`),
  /**
   * The process's action for SIGCHLD, as a child's end reads it (sigaction of SIGCHLD and execve
   * write it). Outside "PID/": the process's own end does not change what a child's end does.
   */
  chldAction: perPid((pid) => `${pid}:chld`),
  signalTargets: perPid((pid) => `${pid}:sigtargets`),
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
