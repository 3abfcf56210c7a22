/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Device names as libguestfs handles them on the host: the canonical
 * /dev/sdX spelling, a disk's index from its name, the parts of a
 * mountable (internal_parse_mountable), and optional feature groups
 * (internal_feature_available, the call behind available too).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

/* canonical-device-name: /dev/hdX, /dev/vdX and /dev/xvdX are spelled
 * /dev/sdX (the appliance's names); a device-mapper name of a logical
 * volume becomes /dev/VG/LV when lvm-canonical-lv-name knows it; any
 * other name is kept.
 */
int
lib_canonical_device_name (struct cli *c, int argc, char **argv)
{
  const char *d = argv[1];
  static const char *const prefixes[] = { "/dev/hd", "/dev/vd", "/dev/sd", "/dev/xvd" };

  (void) argc;
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
    size_t n = strlen (prefixes[i]);
    if (strncmp (d, prefixes[i], n) == 0 && islower ((unsigned char) d[n])) {
      printf ("/dev/sd%s\n", d + n);
      return 0;
    }
  }
  if (strncmp (d, "/dev/mapper/", 12) == 0 || strncmp (d, "/dev/dm-", 8) == 0) {
    struct proto_reply rep = { 0 };
    char *lv = NULL;
    char *v[] = { argv[0], argv[1], NULL };
    /* Not a logical volume: the daemon says so and the name stays. */
    if (session_is_launched (c->s) &&
        lib_call (c, PROC_LVM_CANONICAL_LV_NAME, 2, v, &rep) == 0 &&
        proto_ret_string (&rep, &lv) == 0) {
      printf ("%s\n", lv);
      free (lv);
      proto_reply_free (&rep);
      return 0;
    }
    proto_reply_free (&rep);
  }
  printf ("%s\n", d);
  return 0;
}

/* device-index: the disk's position from its name (sda 0, sdb 1, ...,
 * sdz 25, sdaa 26), as libguestfs computes it from the letters.
 */
int
lib_device_index (struct cli *c, int argc, char **argv)
{
  const char *d = argv[1];
  int64_t idx = 0;
  size_t n;

  (void) c; (void) argc;
  if (strncmp (d, "/dev/sd", 7) != 0 || !(n = strspn (d + 7, "abcdefghijklmnopqrstuvwxyz")) ||
      d[7 + n] != '\0' || n > 4) {
    gd_set_error ("%s: device not found", d);
    return -1;
  }
  for (size_t i = 0; i < n; i++)
    idx = idx * 26 + (d[7 + i] - 'a') + (i + 1 < n);
  printf ("%" PRIi64 "\n", idx);
  return 0;
}

/* mountable-device, mountable-subvolume. */
int
lib_mountable (struct cli *c, int argc, char **argv)
{
  struct proto_reply rep = { 0 };
  struct cli_xdr x;
  uint32_t type;
  char *dev = NULL, *vol = NULL;
  int r = lib_call (c, PROC_INTERNAL_PARSE_MOUNTABLE, argc, argv, &rep);

  if (r == 0) {
    x = (struct cli_xdr) { rep.body, rep.body ? rep.body_len : 0 };
    r = cli_xdr_u32 (&x, &type);
    if (r == 0)
      r = lib_xdr_string (&x, &dev);
    if (r == 0)
      r = lib_xdr_string (&x, &vol);
  }
  proto_reply_free (&rep);
  if (r == 0 && strcmp (argv[0], "mountable-device") == 0)
    printf ("%s\n", dev);
  else if (r == 0 && type != 1) {       /* 1: a btrfs subvolume */
    gd_set_error ("not a btrfs subvolume identifier");
    r = -1;
  }
  else if (r == 0)
    printf ("%s\n", vol);
  free (dev);
  free (vol);
  return r;
}

/* 0 available, 1 not, -1 error (an unknown group is an error). */
static int
group_available (struct cli *c, const char *group)
{
  struct proto_reply rep = { 0 };
  char list[256];
  char *v[] = { (char *) "feature-available", list, NULL };
  int32_t res = 0;
  int r;

  if ((size_t) snprintf (list, sizeof list, "%s", group) >= sizeof list) {
    gd_set_error ("%s: unknown group", group);
    return -1;
  }
  r = lib_call (c, PROC_INTERNAL_FEATURE_AVAILABLE, 2, v, &rep);
  if (r == 0)
    r = proto_ret_int (&rep, &res);
  proto_reply_free (&rep);
  if (r == 0 && res == 2) {
    gd_set_error ("%s: unknown group", group);
    return -1;
  }
  return r == -1 ? -1 : res != 0;
}

int
lib_feature_available (struct cli *c, int argc, char **argv)
{
  char **groups = cli_parse_string_list (argv[1]);
  int r = 0;

  (void) argc;
  if (!groups)
    return -1;
  for (size_t i = 0; groups[i] && r == 0; i++)
    r = group_available (c, groups[i]);
  cli_free_words (groups);
  if (r == -1)
    return -1;
  lib_print_bool (r == 0);
  return 0;
}

/* supported: every group the daemon knows, and whether it is there. */
int
lib_supported (struct cli *c, int argc, char **argv)
{
  (void) argc;
  struct proto_reply rep = { 0 };
  char **groups = NULL;
  /* guestfish's supported ignores any words after it. */
  int r = lib_call (c, PROC_AVAILABLE_ALL_GROUPS, 1, argv, &rep);
  int width = 0;

  if (r == 0)
    r = proto_ret_string_list (&rep, &groups);
  proto_reply_free (&rep);
  /* Names right-aligned to the longest, as guestfish prints them. */
  for (size_t i = 0; r == 0 && groups[i]; i++)
    if ((int) strlen (groups[i]) > width)
      width = (int) strlen (groups[i]);
  for (size_t i = 0; r == 0 && groups[i]; i++) {
    int a = group_available (c, groups[i]);
    if (a == -1)
      r = -1;
    else
      printf ("%*s %s\n", width, groups[i], a == 0 ? "yes" : "no");
  }
  cli_free_words (groups);
  return r;
}
