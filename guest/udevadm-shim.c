/* SPDX-License-Identifier: GPL-2.0-or-later */
/* guestdrv-udevadm: the appliance's /usr/sbin/udevadm, found before the
 * real /bin/udevadm in guestfsd's PATH (/sbin:/usr/sbin:/bin:/usr/bin).
 *
 * guestfsd runs "udevadm --debug settle" at start-up and after every
 * command that changes devices (mkfs, part-*, internal_autosync at
 * shutdown, ...).  Settling waits for udevd's event queue; when no udevd
 * runs (the default: --scan without udev) there is no queue, and each
 * call only costs a fork+exec of the real udevadm (loading
 * libsystemd-shared), which is slow under TCG and UML.  So: without
 * udevd's control socket, "settle" succeeds at once; everything else, and
 * everything when udevd runs, is the real udevadm.
 *
 * A guest program: plain libc, no sanitizers, nothing from libguestdrv.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define REAL_UDEVADM "/bin/udevadm"
#define UDEVD_CONTROL "/run/udev/control"

int
main (int argc, char **argv)
{
  (void) argc;
  if (access (UDEVD_CONTROL, F_OK) == -1) {
    /* The verb is the first argument that is not an option. */
    for (char **a = argv + 1; *a; a++) {
      if ((*a)[0] == '-')
        continue;
      if (strcmp (*a, "settle") == 0)
        return 0;
      break;
    }
  }
  argv[0] = (char *) "udevadm";
  execv (REAL_UDEVADM, argv);
  perror (REAL_UDEVADM);
  return 127;
}
