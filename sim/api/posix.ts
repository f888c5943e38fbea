// POSIX constants with their Linux values: errno numbers, open/fcntl flags, signal names and numbers.
// Shared by the program library (sim/api/index.ts re-exports every one) and the world, which must not
// import the reader-facing library itself.

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const ESPIPE = 29;
export const EPIPE = 32;
export const EDEADLK = 35;

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_TRUNC = 0o1000;
/** A status flag of the open file description: every write goes to the end of the file. */
export const O_APPEND = 0o2000;
/** A status flag of the open file description (fcntl F_GETFL/F_SETFL), shared by fork and dup. */
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
/** Not in Linux yet; the value is this simulator's. */
export const O_CLOFORK = 0o4000000000;
export const SOCK_CLOEXEC = O_CLOEXEC;
export const SOCK_CLOFORK = O_CLOFORK;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const FD_CLOEXEC = 1;
export const FD_CLOFORK = 2;
/** lseek's whence (include/uapi/linux/fs.h). */
export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;

export const SIGUSR1 = 'SIGUSR1';
export const SIGUSR2 = 'SIGUSR2';
export const SIGALRM = 'SIGALRM';
export const SIGCHLD = 'SIGCHLD';
export const SIGTERM = 'SIGTERM';
export const SIGKILL = 'SIGKILL';
export const SIGABRT = 'SIGABRT';

/** Linux signal numbers, for wait statuses. */
export const SIGNUM: Readonly<Record<string, number>> = {
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGALRM: 14,
  SIGCHLD: 17,
  SIGTERM: 15,
  SIGKILL: 9,
  SIGABRT: 6,
  SIGPIPE: 13,
};

/** waitpid's option (Linux include/uapi/linux/wait.h): return 0 at once when no child has changed state. */
export const WNOHANG = 1;
