// O_NONBLOCK pipes and the capacity of a pipe's 16 pages. Measured on this machine (Linux 6.18, glibc
// 2.36): gcc -O0 -Wall -o pipe_nb pipe_nb.c && ./pipe_nb, 3 of 3 runs print exactly:
//   read empty: -1 EAGAIN
//   1-byte writes fit: 65536, then EAGAIN
//   16 x 4000: 16 ok; then 1000: -1 EAGAIN; then 96: 96
//   70000 into empty: 65536
//   70000 after 100: 61808
//   after 4096 written, 100 read: 61440 more 1-byte writes fit
//   F_SETFL O_NONBLOCK: before 0, after 1; read -1 EAGAIN
// The buffer is a ring of 16 pages (fs/pipe.c): a write merges into the last page only when its
// len % 4096 bytes fit there, so after 16 writes of 4000 bytes a write of 1000 finds no room (and,
// at most PIPE_BUF, none of it goes in: EAGAIN) while 96 fit; 70000 bytes after 100 put 368 into the
// first page and 15 whole pages (61,808); a page read from the front is not written again.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void fresh(int p[2]) { if (pipe2(p, O_NONBLOCK) != 0) perror("pipe2"); }
int main(void) {
  char big[70000] = {0};
  int p[2];
  char c;
  fresh(p);
  ssize_t r = read(p[0], &c, 1);
  printf("read empty: %zd %s\n", r, r < 0 && errno == EAGAIN ? "EAGAIN" : "?");
  long n = 0;
  while (write(p[1], "x", 1) == 1) n++;
  printf("1-byte writes fit: %ld, then %s\n", n, errno == EAGAIN ? "EAGAIN" : "?");
  close(p[0]); close(p[1]);
  fresh(p);
  int ok = 0;
  for (int i = 0; i < 16; i++) ok += write(p[1], big, 4000) == 4000;
  r = write(p[1], big, 1000);
  ssize_t r2 = write(p[1], big, 96);
  printf("16 x 4000: %d ok; then 1000: %zd %s; then 96: %zd\n", ok, r, r < 0 && errno == EAGAIN ? "EAGAIN" : "", r2);
  close(p[0]); close(p[1]);
  fresh(p);
  printf("70000 into empty: %zd\n", write(p[1], big, sizeof big));
  close(p[0]); close(p[1]);
  fresh(p);
  write(p[1], big, 100);
  printf("70000 after 100: %zd\n", write(p[1], big, sizeof big));
  close(p[0]); close(p[1]);
  fresh(p);
  write(p[1], big, 4096);
  read(p[0], big, 100);
  for (n = 0; write(p[1], "y", 1) == 1; n++) ;
  printf("after 4096 written, 100 read: %ld more 1-byte writes fit\n", n);
  close(p[0]); close(p[1]);
  if (pipe(p) != 0) return 1;
  int before = !!(fcntl(p[0], F_GETFL) & O_NONBLOCK);
  fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
  int after = !!(fcntl(p[0], F_GETFL) & O_NONBLOCK);
  errno = 0;
  r = read(p[0], &c, 1);
  printf("F_SETFL O_NONBLOCK: before %d, after %d; read %zd %s\n", before, after, r, errno == EAGAIN ? "EAGAIN" : "?");
  return 0;
}
