/* support/test-driver.c -- glibc's test-driver convention, for gcc.

   A glibc test defines `static int do_test (void)` and ends with
   `#include <support/test-driver.c>`; the driver supplies main.  glibc's own driver
   (support/support_test_main.c) runs do_test in a forked subprocess under a timeout and maps
   its return value (0 pass, 1 fail, 77 unsupported).  This one runs do_test directly as main
   and exits with what it returns: Fork Lore's real-Linux harness is the watchdog, and an extra
   fork around the test would add a process the model does not have.  The simulator's C front
   end knows this include by name and does the same.  */

#ifndef FORKLORE_TEST_DRIVER_C
#define FORKLORE_TEST_DRIVER_C 1

int
main (void)
{
  return do_test ();
}

#endif
