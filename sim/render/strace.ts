// strace -f style rendering of a trace: the system calls each event stands for, in the shape of the
// log in the Plash bug report. Library work that makes no system call (an uncontended lock) prints nothing.
import type { TraceEvent } from '../events.ts';
import { assertNever } from '../events.ts';

const hex = (n: number): string => `0x${n.toString(16)}`;
/** A stable stack address per thread for clone's child_tidptr, as glibc passes &THREAD_SELF->tid. */
const tidptr = (tid: number): number => 0x7f3a_1a00_09d0 + (tid % 4096) * 0x80_0000;
const SIGNAMES: Record<number, string> = {
  6: 'SIGABRT',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  12: 'SIGUSR2',
  14: 'SIGALRM',
  15: 'SIGTERM',
  17: 'SIGCHLD',
};

function quote(text: string, max = 32): string {
  const body = JSON.stringify(text.length > max ? text.slice(0, max) : text).slice(1, -1);
  return `"${body}"${text.length > max ? '...' : ''}`;
}

/** An error return as strace prints it: "-1 ENOENT (No such file or directory)". */
const ERRNO: Record<number, string> = {
  2: 'ENOENT (No such file or directory)',
  9: 'EBADF (Bad file descriptor)',
  17: 'EEXIST (File exists)',
  22: 'EINVAL (Invalid argument)',
  29: 'ESPIPE (Illegal seek)',
};
const ret = (r: number): string => (r >= 0 ? String(r) : `-1 ${ERRNO[-r] ?? `E${-r}`}`);

function waitStatus(status: number): string {
  const sig = status & 0x7f;
  if (sig === 0) return `[{WIFEXITED(s) && WEXITSTATUS(s) == ${(status >> 8) & 0xff}}]`;
  return `[{WIFSIGNALED(s) && WTERMSIG(s) == ${SIGNAMES[sig] ?? sig}}]`;
}

/** The strace line for one event, or null when the event is not a system call. */
export function straceLine(e: TraceEvent): string | null {
  switch (e.type) {
    case 'futex.wait':
      return `futex(${hex(e.addr)}, FUTEX_WAIT_PRIVATE, ${e.val}, NULL <unfinished ...>`;
    case 'futex.resume':
      return `<... futex resumed>) = ${e.result}`;
    case 'futex.wake':
      return `futex(${hex(e.addr)}, FUTEX_WAKE_PRIVATE, ${e.count}) = ${e.woken.length}`;
    case 'fork':
      return `clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=${hex(tidptr(e.tid))}) = ${e.child}`;
    case 'thread.create':
      return `clone(child_stack=${hex(tidptr(e.child) - 0x9d0)}, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=[${e.child}], tls=${hex(tidptr(e.child) - 0x9d0 + 0x700)}, child_tidptr=${hex(tidptr(e.child))}) = ${e.child}`;
    case 'proc.wait':
      if (e.nohang && e.status === null) return `wait4(${e.child}, 0x7ffc2d1e8a4c, WNOHANG, NULL) = 0`;
      if (e.blocked || e.status === null)
        return e.blocked
          ? `wait4(${e.child}, <unfinished ...>`
          : `wait4(${e.child}, 0x7ffc2d1e8a4c, 0, NULL) = -1 ECHILD (No child processes)`;
      return `wait4(${e.child}, ${waitStatus(e.status)}, ${e.nohang ? 'WNOHANG' : '0'}, NULL) = ${e.child}`;
    case 'proc.exit':
      if (e.how === 'signal') return `+++ killed by ${SIGNAMES[e.status] ?? e.status} +++`;
      if (e.how === 'return' || e.how === 'exec-image') return `+++ exited with ${e.status} +++`;
      return `exit_group(${e.status}) = ?`;
    case 'thread.exit':
      return 'exit(0) = ?';
    case 'sys.sendmsg':
      return `sendmsg(${e.fd}, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=${quote('MSG!' + e.what)}, iov_len=${e.bytes}}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = ${e.bytes}`;
    case 'sys.recvmsg': {
      if (e.bytes < 0) return `recvmsg(${e.fd}, 0x7ffc2d1e8a00, 0) = -1 EBADF (Bad file descriptor)`;
      const rights =
        e.fds && e.fds.length > 0
          ? `, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[${e.fds.join(', ')}]}]`
          : '';
      return `recvmsg(${e.fd}, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="MSG!"..., iov_len=10240}], msg_iovlen=1${rights}, msg_controllen=24, msg_flags=0}, 0) = ${e.bytes}`;
    }
    case 'fd.close':
      return `close(${e.fd}) = ${e.result === 0 ? 0 : '-1 EBADF (Bad file descriptor)'}`;
    case 'fd.dup2':
      return `dup2(${e.from}, ${e.to}) = ${e.result >= 0 ? e.result : '-1 EBADF (Bad file descriptor)'}`;
    case 'fd.open':
      return `openat(AT_FDCWD, ${quote(e.path)}, ${e.flags.join('|')}${e.flags.includes('O_CREAT') ? ', 0600' : ''}) = ${ret(e.result ?? e.fd)}`;
    case 'fd.socketpair':
      return `socketpair(AF_UNIX, ${['SOCK_STREAM', ...e.flags.map((f) => f.replace('O_', 'SOCK_'))].join('|')}, 0, [${e.fds.join(', ')}]) = 0`;
    case 'io.write':
      return e.at === undefined
        ? `write(${e.fd}, ${quote(e.text)}, ${e.text.length}) = ${e.text.length}`
        : `pwrite64(${e.fd}, ${quote(e.text)}, ${e.text.length}, ${e.at}) = ${e.text.length}`;
    case 'io.read': {
      const n = e.n ?? Math.max(e.text.length, 1);
      return e.at === undefined
        ? `read(${e.fd}, ${quote(e.text)}, ${n}) = ${e.text.length}`
        : `pread64(${e.fd}, ${quote(e.text)}, ${n}, ${e.at}) = ${e.text.length}`;
    }
    case 'sys.file':
      return `${e.call}(${e.args}) = ${ret(e.result)}`;
    case 'fd.pipe':
      return `pipe2([${e.fds.join(', ')}], ${e.flags.length > 0 ? e.flags.join('|') : '0'}) = 0`;
    case 'time.sleep': {
      const s = Math.floor(e.ns / 1e9);
      return `nanosleep({tv_sec=${s}, tv_nsec=${e.ns - s * 1e9}}, NULL) = 0`;
    }
    case 'signal.send':
      return e.targetIsPid ? `kill(${e.target}, ${e.sig}) = 0` : `tgkill(${e.pid}, ${e.target}, ${e.sig}) = 0`;
    case 'signal.deliver':
      return `--- ${e.sig} {si_signo=${e.sig}, si_code=SI_TKILL, si_pid=${e.pid}} ---`;
    case 'signal.return':
      return 'rt_sigreturn({mask=[]}) = 0';
    case 'signal.mask':
      return `rt_sigprocmask(SIG_${e.how.toUpperCase()}, ${e.set === null ? 'NULL' : sigset(e.set)}, ${sigset(e.mask)}, 8) = 0`;
    case 'signal.suspend':
      return `rt_sigsuspend(${sigset(e.mask)}, 8) = ? ERESTARTNOHAND (To be restarted if no handler)`;
    case 'signal.resume':
      // strace shows the EINTR on the handler's rt_sigreturn, and nothing when the call returns.
      return null;
    case 'signal.wait':
      return `rt_sigtimedwait(..., NULL, 8) = ${e.sig} (${e.sig.replace(/^SIG/, '')})`;
    case 'proc.exec':
      return `execve(${quote(e.path)}, [${quote(e.path)}], 0x7ffc2d1e8b58 /* 0 vars */) = 0`;
    case 'assert.fail': {
      const text = `Assertion failed: ${e.message}\n`;
      return `write(2, ${quote(text)}, ${text.length}) = ${text.length}`;
    }
    case 'thread.start':
    case 'thread.join':
    case 'mutex.lock':
    case 'mutex.trylock':
    case 'mutex.unlock':
    case 'mutex.init':
    case 'sem.wait':
    case 'sem.post':
    case 'sem.init':
    case 'cond.wait':
    case 'cond.signal':
    case 'cell.read':
    case 'cell.write':
    case 'atfork.register':
    case 'atfork.run':
    case 'fork.child':
    case 'libc.lock-reset':
    case 'libc.call':
    case 'fd.inherit':
    case 'fd.leak':
    case 'unsafe-call':
    case 'error':
      return null;
    default:
      return assertNever(e);
  }
}

/**
 * Renders a trace (or one step's slice of it) as strace -f lines, each prefixed with the thread's
 * id as `[pid N] `. A call that never returns ends its line with `<unfinished ...>` and nothing follows.
 */
export function renderStrace(trace: readonly TraceEvent[]): string {
  const lines: string[] = [];
  for (const e of trace) {
    const line = straceLine(e);
    if (line !== null) lines.push(`[pid ${e.tid}] ${line}`);
  }
  return lines.join('\n');
}

/** A signal set as strace shows it: names without SIG, in brackets. */
function sigset(names: readonly string[]): string {
  return `[${names.map((s) => s.replace(/^SIG/, '')).join(' ')}]`;
}
