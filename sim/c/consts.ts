// Constants the system headers define (errno values, flags, signal numbers) and the mutex initialisers.
import * as L from '../api/index.ts';

export const SIG_NUMS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19 };
export const SIG_BY_NUM = new Map(Object.entries(SIG_NUMS).map(([k, v]) => [v, k]));

/** Constants the headers define: name -> [value, headers]. */
export const CONSTS: Record<string, [number, string[]]> = {
  EXIT_SUCCESS: [0, ['stdlib.h']],
  EXIT_FAILURE: [1, ['stdlib.h']],
  EPERM: [1, ['errno.h']], ENOENT: [2, ['errno.h']], ESRCH: [3, ['errno.h']], EINTR: [4, ['errno.h']], EBADF: [9, ['errno.h']],
  ECHILD: [10, ['errno.h']], EAGAIN: [11, ['errno.h']], ENOMEM: [12, ['errno.h']], EBUSY: [16, ['errno.h']], EINVAL: [22, ['errno.h']],
  EDEADLK: [35, ['errno.h']], ENOSYS: [38, ['errno.h']], ETIMEDOUT: [110, ['errno.h']], EWOULDBLOCK: [11, ['errno.h']],
  O_RDONLY: [0, ['fcntl.h']], O_WRONLY: [1, ['fcntl.h']], O_RDWR: [2, ['fcntl.h']], O_CREAT: [0o100, ['fcntl.h']], O_TRUNC: [0o1000, ['fcntl.h']],
  O_APPEND: [0o2000, ['fcntl.h']], O_CLOEXEC: [L.O_CLOEXEC, ['fcntl.h']], O_CLOFORK: [L.O_CLOFORK, ['fcntl.h']],
  F_GETFD: [1, ['fcntl.h']], F_SETFD: [2, ['fcntl.h']], FD_CLOEXEC: [1, ['fcntl.h']], FD_CLOFORK: [2, ['fcntl.h']],
  AF_UNIX: [1, ['sys/socket.h']], AF_LOCAL: [1, ['sys/socket.h']], SOCK_STREAM: [1, ['sys/socket.h']], SOCK_DGRAM: [2, ['sys/socket.h']],
  SOCK_SEQPACKET: [5, ['sys/socket.h']], SOCK_CLOEXEC: [L.SOCK_CLOEXEC, ['sys/socket.h']], SOCK_CLOFORK: [L.SOCK_CLOFORK, ['sys/socket.h']],
  STDIN_FILENO: [0, ['unistd.h']], STDOUT_FILENO: [1, ['unistd.h']], STDERR_FILENO: [2, ['unistd.h']],
  PTHREAD_MUTEX_NORMAL: [0, ['pthread.h']], PTHREAD_MUTEX_RECURSIVE: [1, ['pthread.h']], PTHREAD_MUTEX_ERRORCHECK: [2, ['pthread.h']],
  PTHREAD_MUTEX_DEFAULT: [0, ['pthread.h']], PTHREAD_MUTEX_TIMED_NP: [0, ['pthread.h']], PTHREAD_MUTEX_RECURSIVE_NP: [1, ['pthread.h']],
  PTHREAD_MUTEX_ERRORCHECK_NP: [2, ['pthread.h']], PTHREAD_MUTEX_FAST_NP: [0, ['pthread.h']],
  RTLD_NOW: [2, ['dlfcn.h']], RTLD_LAZY: [1, ['dlfcn.h']], RTLD_GLOBAL: [0x100, ['dlfcn.h']], RTLD_LOCAL: [0, ['dlfcn.h']],
  CLOCK_REALTIME: [0, ['time.h']], CLOCK_MONOTONIC: [1, ['time.h']],
  SA_RESTART: [0x10000000, ['signal.h']], SA_SIGINFO: [4, ['signal.h']],
  WNOHANG: [1, ['sys/wait.h', 'stdlib.h']],
  true: [1, ['stdbool.h']], false: [0, ['stdbool.h']],
  INT_MAX: [2147483647, ['limits.h']], INT_MIN: [-2147483648, ['limits.h']],
  ...Object.fromEntries(Object.entries(SIG_NUMS).map(([k, v]) => [k, [v, ['signal.h']] as [number, string[]]])),
};
export const MUTEX_INITS: Record<string, 'normal' | 'recursive' | 'errorcheck'> = {
  PTHREAD_MUTEX_INITIALIZER: 'normal',
  PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP: 'recursive',
  PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP: 'errorcheck',
  PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP: 'normal',
};
export const MUTEX_KIND = ['normal', 'recursive', 'errorcheck'] as const;
