/* forklore.h -- Plash's two calls, for programs checked by Fork Lore and run on real Linux.

   Fork Lore's examples follow Plash (plash.beasts.org), whose PlashGlibc routes a process's
   system calls to a server over a socket on fd 3.  Two of its calls are not in any C library:

     int   clone_connection (void);
         Ask the server for a new connection and return it as a new descriptor.  The caller
         serialises calls on fd 3 itself (PlashGlibc holds its libc_lock around them).  The new
         descriptor is an ordinary one: fork copies it into every child made while it is open,
         which is how revision 743's wrapper leaks one thread's connection into another's child.
         Returns -1 with errno set on failure.

     pid_t kernel_fork (void);
         Plash's name for the real fork of the C library underneath: here glibc's fork(),
         atfork handlers and glibc's own fork-time locking included.  (Where an example needs
         the fork without any of that, it calls glibc's _Fork() from <unistd.h> instead.)

   Including this header is the `plash` option of the `// forklore:` line: before main runs,
   while the process is still single-threaded, a constructor starts a tiny server process and
   puts the program's end of a socketpair on fd 3, as PlashGlibc finds its connection at start-up.
   The server is a grandchild that is reparented at once, so it is never a child the program
   could wait for; it stays in the program's process group (a watchdog that kills the group
   kills it too) and exits when the last connection to it is closed.

   The protocol is one datagram per request on SOCK_SEQPACKET sockets, so requests never run
   together: the datagram "clone_connection" is answered with the one-byte datagram "c" carrying
   one end of a fresh socketpair in an SCM_RIGHTS control message (see unix(7), cmsg(3)); the
   server keeps the other end and serves it like the first.  Any other datagram is a call the
   server accepts and does not answer (the examples write requests such as "Call" and read no
   reply).

   FD_CLOFORK: POSIX.1-2024's close-on-fork flag.  Linux has none; so that a program using it
   compiles, it is defined here as a bit that F_SETFD ignores on Linux (fs/fcntl.c keeps only
   FD_CLOEXEC), which means the descriptor IS inherited on real Linux: such an example has to
   say `// forklore-real: skip` (its meaning exists only in the model).

   The simulator does not read this file: its C front end knows the header by name and maps
   clone_connection and kernel_fork onto the model's calls.  Everything below is for gcc.  */

#ifndef FORKLORE_H
#define FORKLORE_H 1

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FD_CLOFORK
# define FD_CLOFORK 0x10000
#endif

/* The descriptor of the server connection, in every process of the program.  */
#define FORKLORE_SERVER_FD 3

static const char forklore_clone_request[] = "clone_connection";

static inline int
clone_connection (void)
{
  if (send (FORKLORE_SERVER_FD, forklore_clone_request, sizeof forklore_clone_request - 1,
            MSG_NOSIGNAL) < 0)
    return -1;
  char reply;
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
  struct iovec iov = { .iov_base = &reply, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  ssize_t n;
  do
    n = recvmsg (FORKLORE_SERVER_FD, &msg, 0);
  while (n < 0 && errno == EINTR);
  if (n != 1 || reply != 'c')
    {
      if (n >= 0)
        errno = EPROTO;
      return -1;
    }
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
    {
      errno = EPROTO;
      return -1;
    }
  int fd;
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

static inline pid_t
kernel_fork (void)
{
  return fork ();
}

/* The server: one process, one poll loop over every connection it has handed out.  */
static void
forklore_serve (int first)
{
  size_t n = 1, cap = 16;
  struct pollfd *p = malloc (cap * sizeof *p);
  if (p == NULL)
    _exit (1);
  p[0] = (struct pollfd) { .fd = first, .events = POLLIN };
  while (n > 0)
    {
      if (poll (p, n, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          _exit (1);
        }
      for (size_t i = 0; i < n; i++)
        {
          if (p[i].revents == 0)
            continue;
          char req[64];
          ssize_t k = recv (p[i].fd, req, sizeof req, 0);
          if (k <= 0)
            {
              if (k < 0 && errno == EINTR)
                continue;
              /* The last process holding this connection closed it (or died).  */
              close (p[i].fd);
              p[i--] = p[--n];
              continue;
            }
          if ((size_t) k != sizeof forklore_clone_request - 1
              || memcmp (req, forklore_clone_request, (size_t) k) != 0)
            continue;                   /* an ordinary call: accepted, not answered */
          int sv[2];
          if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
            _exit (1);
          char reply = 'c';
          union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
          memset (&control, 0, sizeof control);
          struct iovec iov = { .iov_base = &reply, .iov_len = 1 };
          struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                                .msg_control = control.buf, .msg_controllen = sizeof control.buf };
          struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
          c->cmsg_level = SOL_SOCKET;
          c->cmsg_type = SCM_RIGHTS;
          c->cmsg_len = CMSG_LEN (sizeof (int));
          memcpy (CMSG_DATA (c), &sv[0], sizeof (int));
          /* The descriptor that arrives is a new one, without close-on-exec.  */
          sendmsg (p[i].fd, &msg, MSG_NOSIGNAL);
          close (sv[0]);
          if (n == cap)
            {
              struct pollfd *q = realloc (p, 2 * cap * sizeof *p);
              if (q == NULL)
                _exit (1);
              p = q;
              cap *= 2;
            }
          p[n++] = (struct pollfd) { .fd = sv[1], .events = POLLIN };
        }
    }
  _exit (0);
}

__attribute__ ((constructor)) static void
forklore_start_server (void)
{
  int sv[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    {
      perror ("forklore.h: socketpair");
      _exit (127);
    }
  pid_t middle = fork ();
  if (middle < 0)
    {
      perror ("forklore.h: fork");
      _exit (127);
    }
  if (middle == 0)
    {
      if (fork () == 0)
        {
          /* The server holds nothing of the program's but its own end.  */
          int null = open ("/dev/null", O_RDWR);
          for (int fd = 0; fd < 3; fd++)
            if (null >= 0 && null != fd)
              dup2 (null, fd);
          signal (SIGPIPE, SIG_IGN);
          close (sv[0]);
          forklore_serve (sv[1]);
        }
      _exit (0);
    }
  while (waitpid (middle, NULL, 0) < 0 && errno == EINTR)
    ;
  close (sv[1]);
  /* fd 3, inherited by every child, and not closed by exec: Plash's connection.  */
  if (dup2 (sv[0], FORKLORE_SERVER_FD) != FORKLORE_SERVER_FD)
    {
      perror ("forklore.h: dup2");
      _exit (127);
    }
  if (sv[0] != FORKLORE_SERVER_FD)
    close (sv[0]);
  else
    fcntl (FORKLORE_SERVER_FD, F_SETFD, 0);   /* dup2 onto itself kept SOCK_CLOEXEC */
}

#endif /* forklore.h */
