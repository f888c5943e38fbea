// read and write with buffers that are not char arrays: an int array, a struct, an int read back as
// bytes, a short array only partly filled. Measured on this machine (x86-64, glibc 2.36):
// gcc -O0 -Wall -o typed_buf typed_buf.c && ./typed_buf prints exactly:
//   12 24 1 -2 70000 q -5 1234567890123 2.5 24
//   4 3 2 1
//   2211 33
// (little-endian integers, struct rec's fields at 0, 4, 8 and 16; h[1] keeps its high byte, 0).
#include <stdio.h>
#include <unistd.h>
struct rec { char tag; int n; long big; double d; };
int main(void) {
  int fds[2];
  pipe(fds);
  int xs[3] = {1, -2, 70000};
  struct rec r = {'q', -5, 1234567890123L, 2.5};
  write(fds[1], xs, sizeof xs);
  write(fds[1], &r, sizeof r);
  int ys[3] = {0};
  struct rec s;
  ssize_t a = read(fds[0], ys, sizeof ys);
  ssize_t b = read(fds[0], &s, sizeof s);
  printf("%zd %zd %d %d %d %c %d %ld %.1f %zu\n", a, b, ys[0], ys[1], ys[2], s.tag, s.n, s.big, s.d, sizeof s);
  unsigned char raw[4];
  int one = 0x01020304;
  write(fds[1], &one, sizeof one);
  read(fds[0], raw, 4);
  printf("%d %d %d %d\n", raw[0], raw[1], raw[2], raw[3]);
  short h[2] = {0, 0};
  write(fds[1], "\x11\x22\x33", 3);
  read(fds[0], h, 3);
  printf("%x %x\n", h[0], h[1]);
  return 0;
}
