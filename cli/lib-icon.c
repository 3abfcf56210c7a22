/* SPDX-License-Identifier: GPL-2.0-or-later */
/* inspect-get-icon ROOT [favicon:BOOL] [highquality:BOOL]: the guest's
 * icon as PNG bytes, read as libguestfs 1.48 reads it from the guest
 * mounted already: /etc/favicon.png first (unless favicon:false or
 * highquality:true), then a logo file each distribution ships at a
 * known path.  A file counts only if the daemon's file(1) calls it a
 * PNG of 16 to 1024 pixels a side and it is no bigger than the limit
 * for its distribution; otherwise the answer is empty, not an error.
 * Cirros (a text logo rendered by netpbm) and Windows (icons cut out of
 * explorer.exe) are not implemented and say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "../common/error.h"

/* Distribution, the files tried in order, and the size limit (0: four
 * bytes a pixel).  Red Hat's file changed with release 7.
 */
struct logo { const char *distro; const char *files[3]; size_t max; };
static const struct logo logos[] = {
  { "fedora", { "/usr/share/icons/hicolor/96x96/apps/fedora-logo-icon.png" }, 0 },
  { "debian", { "/usr/share/pixmaps/debian-logo.png" }, 2048 },
  { "ubuntu", { "/usr/share/icons/gnome/24x24/places/ubuntu-logo.png",
                "/usr/share/help/C/ubuntu-help/figures/ubuntu-logo.png" }, 2048 },
  { "mageia", { "/usr/share/icons/mageia.png" }, 10240 },
  { "opensuse", { "/usr/share/icons/hicolor/48x48/apps/distributor.png",
                  "/usr/share/icons/hicolor/24x24/apps/distributor.png" }, 10240 },
  { "voidlinux", { "/usr/share/void-artwork/void-logo.png" }, 20480 },
  { "altlinux", { "/usr/share/icons/hicolor/48x48/apps/altlinux.png" }, 20480 },
  { "gentoo", { "/usr/share/icons/gentoo/48x48/gentoo.png" }, 10240 },
  { "openmandriva", { "/usr/share/icons/large/mandriva.png",
                      "/usr/share/icons/mandriva.png" }, 10240 },
};
static const char *const rhel_like[] = {
  "rhel", "redhat-based", "centos", "rocky", "scientificlinux", "oraclelinux",
};

static bool
in (const char *s, const char *const *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (s, v[i]) == 0)
      return true;
  return false;
}

/* 1: *PNG holds the icon; 0: not there or not acceptable; -1: error. */
static int
get_png (struct cli *c, const char *file, size_t max, char **png, size_t *len)
{
  char *isf[] = { (char *) "is_file", (char *) file, (char *) "followsymlinks:true", NULL };
  struct proto_reply rep = { 0 };
  char *real = NULL, *type = NULL;
  bool yes = false;
  int w, h, r = 0;

  r = lib_call (c, PROC_IS_FILE, 3, isf, &rep);
  if (r == 0 && proto_ret_bool (&rep, &yes) == -1) {
    gd_error_prefix ("is_file");
    r = -1;
  }
  proto_reply_free (&rep);
  if (r == -1 || !yes)
    return r;
  /* A broken link is no icon: realpath's error is not reported. */
  if (lib_call_string (c, PROC_REALPATH, file, &real) == -1)
    return 0;
  /* The errors of file and of the download are printed (libguestfs's
   * handler), and the file is no icon.
   */
  if (lib_call_string (c, PROC_FILE, real, &type) == -1) {
    lib_report (c);
    goto out;
  }
  if (strncmp (type, "PNG image data, ", 16) != 0 ||
      sscanf (type + 16, "%d x %d", &w, &h) != 2 ||
      w < 16 || h < 16 || w > 1024 || h > 1024)
    goto out;
  if (max == 0)
    max = 4 * (size_t) w * (size_t) h;
  if (lib_download_max (c, real, max, png, len) == 0)
    r = 1;
  else
    lib_report (c);
 out:
  free (real);
  free (type);
  return r;
}

static int
opt_bool (const char *cmd, const char *word, const char *name, bool *v, bool *seen)
{
  size_t n = strlen (name);

  if (strncmp (word, name, n) != 0 || word[n] != ':')
    return 0;
  /* guestfish reads the value, then checks that the name is new. */
  if (cli_parse_bool (word + n + 1, v) == -1)
    return -1;
  if (*seen) {
    gd_set_error ("%s: optional argument \"%s\" given more than once", cmd, name);
    cli_fish_mark (CLI_FISH_BARE);
    return -1;
  }
  *seen = true;
  return 1;
}

int
lib_inspect_get_icon (struct cli *c, int argc, char **argv)
{
  bool favicon = true, highquality = false, seen_f = false, seen_h = false;
  char *type = NULL, *distro = NULL, *png = NULL;
  size_t len = 0;
  int found = 0, r = -1;

  if (argc < 2 || argc > 4)
    return -2;
  for (int i = 2; i < argc; i++) {
    int f = opt_bool (argv[0], argv[i], "favicon", &favicon, &seen_f);
    int h = f ? 0 : opt_bool (argv[0], argv[i], "highquality", &highquality, &seen_h);
    if (f == -1 || h == -1)
      return -1;
    if (!f && !h) {
      gd_set_error ("%s: unknown optional argument \"%s\"", argv[0], argv[i]);
      cli_fish_mark (CLI_FISH_BARE);
      return -1;
    }
  }
  if (lib_call_string (c, PROC_INSPECT_GET_TYPE, argv[1], &type) == -1 ||
      lib_call_string (c, PROC_INSPECT_GET_DISTRO, argv[1], &distro) == -1)
    goto out;
  if (highquality)
    favicon = false;      /* a favicon is never high quality */
  if (favicon && strcmp (type, "windows") != 0 &&
      (found = get_png (c, "/etc/favicon.png", 0, &png, &len)) == -1)
    goto out;
  if (!found && (strcmp (type, "linux") == 0 || strcmp (type, "hurd") == 0)) {
    const char *d = strcmp (distro, "suse-based") == 0 || strcmp (distro, "sles") == 0
                    ? "opensuse" : distro;
    if (in (d, rhel_like, sizeof rhel_like / sizeof rhel_like[0])) {
      int32_t major = -1;
      if (lib_call_int (c, PROC_INSPECT_GET_MAJOR_VERSION, argv[1], &major) == -1) {
        lib_report (c);
        major = -1;
      }
      found = get_png (c, major < 7 ? "/usr/share/pixmaps/redhat/shadowman-transparent.png"
                       : "/usr/share/icons/hicolor/96x96/apps/system-logo-icon.png",
                       102400, &png, &len);
    }
    else if (strcmp (d, "cirros") == 0) {
      gd_set_error ("%s: the icon of cirros guests (a text logo) is not implemented "
                    "in guestdrv", argv[0]);
      goto out;
    }
    /* Ubuntu has no high-quality icon. */
    for (size_t i = 0; i < sizeof logos / sizeof logos[0] &&
         !(strcmp (d, "ubuntu") == 0 && highquality); i++)
      for (size_t k = 0; strcmp (logos[i].distro, d) == 0 && k < 3 &&
           logos[i].files[k] && found == 0; k++)
        found = get_png (c, logos[i].files[k], logos[i].max, &png, &len);
  }
  else if (!found && strcmp (type, "windows") == 0 && !highquality) {
    gd_set_error ("%s: the icons of Windows guests are not implemented in guestdrv",
                  argv[0]);
    goto out;
  }
  if (found == -1)
    goto out;
  fwrite (png ? png : "", 1, found ? len : 0, stdout);
  r = 0;
 out:
  free (type);
  free (distro);
  free (png);
  return r;
}
