/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The library-side commands (what guestfish does in libguestfs, not in
 * guestfsd) in one table, each with a one-line description, and the
 * guestfish commands guestdrv leaves out, each with its reason.
 */
#include <string.h>

#include "lib.h"

/* set-X's argument is named as in guestfish's usage: X, or ARG. */
#define PROP_ARG(n, arg, what) \
  { { "get-" n, lib_prop_get, 0, 0, "" }, "print " what }, \
  { { "set-" n, lib_prop_set, 1, 1, arg }, "set " what }, \
  { { n, lib_prop_set, 1, 1, arg }, "set " what " (alias of set-" n ")" }
#define PROP(n, what) PROP_ARG (n, n, what)

const struct cli_libcmd cli_libcmds[] = {
  /* lib-stat.c */
  { { "stat", lib_stat, 1, 1, "path" }, "file status, following symlinks (seconds only)" },
  { { "lstat", lib_stat, 1, 1, "path" }, "file status of a symlink itself (seconds only)" },
  { { "lstatlist", lib_statlist, 2, 2, "path names" }, "lstat of many names in one directory" },
  { { "lstatnslist", lib_statlist, 2, 2, "path names" }, "lstatns of many names in one directory" },
  { { "lxattrlist", lib_lxattrlist, 2, 2, "path names" }, "extended attributes of many names in one directory" },
  { { "readlinklist", lib_readlinklist, 2, 2, "path names" }, "symlink targets of many names in one directory" },
  { { "read-lines", lib_read_lines, 1, 1, "path" }, "a file's lines, without line endings" },
  /* lib-device.c */
  { { "canonical-device-name", lib_canonical_device_name, 1, 1, "device" }, "a device name in the appliance's /dev/sdX spelling" },
  { { "device-index", lib_device_index, 1, 1, "device" }, "the index of a disk from its name" },
  { { "mountable-device", lib_mountable, 1, 1, "mountable" }, "the device part of a mountable" },
  { { "mountable-subvolume", lib_mountable, 1, 1, "mountable" }, "the btrfs subvolume part of a mountable" },
  { { "feature-available", lib_feature_available, 1, 1, "groups" }, "true if every optional group named is in the appliance" },
  /* guestfish's supported ignores any words after it. */
  { { "supported", lib_supported, 0, -1, "" }, "every optional group, with yes or no" },
  /* lib-disk.c */
  { { "disk-format", lib_disk_info, 1, 1, "filename" }, "an image's format, as qemu-img probes it on the host" },
  { { "disk-virtual-size", lib_disk_info, 1, 1, "filename" }, "an image's virtual size in bytes (qemu-img on the host)" },
  { { "disk-has-backing-file", lib_disk_info, 1, 1, "filename" }, "whether an image has a backing file (qemu-img on the host)" },
  { { "add-drive-scratch", lib_add_scratch, 1, 4, "size [name:..] [label:..] [blocksize:N]" }, "add a throwaway sparse disk, removed at exit" },
  { { "scratch", lib_add_scratch, 1, 4, "size [name:..] [label:..] [blocksize:N]" }, "add a throwaway disk (alias of add-drive-scratch)" },
  { { "add-cdrom", lib_add_cdrom, 1, 1, "filename" }, "add a disk image read-only (old name)" },
  { { "add-drive-with-if", lib_add_with_if, 2, 2, "filename iface" }, "add a disk (the interface is guestdrv's choice)" },
  { { "add-drive-ro-with-if", lib_add_with_if, 2, 2, "filename iface" }, "add a disk read-only (the interface is guestdrv's choice)" },
  { { "remove-drive", lib_remove_drive, 1, 1, "label" }, "fails: hot-plugging is gone from libguestfs 1.48 too" },
  { { "debug-drives", lib_debug_drives, 0, 0, "" }, "one line per disk added" },
  { { "max-disks", lib_max_disks, 0, 0, "" }, "how many disks can be added" },
  /* lib-handle.c */
  PROP ("append", "extra kernel command line words"),
  PROP_ARG ("attach-method", "backend", "the backend (old name)"),
  PROP ("autosync", "whether disks are synced at exit"),
  PROP ("backend", "the backend (direct is guestdrv's auto)"),
  PROP ("cachedir", "the appliance cache directory"),
  PROP ("direct", "the direct-console flag (remembered only)"),
  PROP ("hv", "the qemu binary"),
  PROP ("identifier", "the handle's name in traces"),
  PROP ("memsize", "the appliance's memory in MB"),
  PROP ("network", "the network flag (only false here)"),
  PROP_ARG ("path", "searchpath", "where the appliance is looked for"),
  PROP ("pgroup", "the process-group flag (remembered only)"),
  PROP ("program", "the program name"),
  PROP_ARG ("qemu", "hv", "the qemu binary (old name)"),
  PROP_ARG ("recovery-proc", "recoveryproc", "the recovery-process flag (remembered only)"),
  PROP ("selinux", "the SELinux flag (remembered only)"),
  PROP ("smp", "the appliance's vCPUs"),
  PROP ("tmpdir", "the temporary directory"),
  PROP ("trace", "the trace flag (remembered only)"),
  PROP ("verbose", "verbose messages (-v)"),
  { { "get-sockdir", lib_prop_get, 0, 0, "" }, "print the socket directory" },
  { { "get-backend-settings", lib_backend_setting, 0, 0, "" }, "print the backend settings" },
  { { "set-backend-settings", lib_backend_setting, 1, 1, "settings" }, "replace the backend settings" },
  { { "get-backend-setting", lib_backend_setting, 1, 1, "name" }, "print one backend setting's value" },
  { { "set-backend-setting", lib_backend_setting, 2, 2, "name val" }, "set one backend setting" },
  { { "clear-backend-setting", lib_backend_setting, 1, 1, "name" }, "remove a backend setting, print how many went" },
  { { "get-pid", lib_get_pid, 0, 0, "" }, "the hypervisor's process id" },
  { { "pid", lib_get_pid, 0, 0, "" }, "the hypervisor's process id (alias of get-pid)" },
  { { "is-config", lib_is_config, 0, 0, "" }, "true until the appliance is launched" },
  { { "shutdown", lib_shutdown, 0, 0, "" }, "sync and stop the appliance" },
  { { "kill-subprocess", lib_shutdown, 0, 0, "" }, "stop the appliance (old name of shutdown)" },
  { { "config", lib_config, 2, 2, "hvparam hvvalue" }, "extra qemu parameters (refused)" },
  { { "parse-environment", lib_parse_environment, 0, 0, "" }, "apply the LIBGUESTFS_* environment variables" },
  { { "parse-environment-list", lib_parse_environment, 1, 1, "environment" }, "apply LIBGUESTFS_* settings from a list" },
  /* lib-local.c */
  { { "setenv", lib_setenv, 2, 2, "var value" }, "set an environment variable of guestdrv" },
  { { "unsetenv", lib_setenv, 1, 1, "var" }, "unset an environment variable of guestdrv" },
  { { "lcd", lib_lcd, 1, 1, "directory" }, "change guestdrv's local directory" },
  /* lib-fileout.c */
  { { "filesystem-walk", lib_tsk, 1, 1, "device" }, "every file and directory of a filesystem, deleted ones too (sleuthkit)" },
  { { "find-inode", lib_tsk, 2, 2, "device inode" }, "the names of one inode on a filesystem (sleuthkit)" },
  { { "yara-scan", lib_yara_scan, 1, 1, "path" }, "scan a guest file with the rules yara-load loaded" },
  { { "journal-get", lib_journal_get, 0, 0, "" }, "the fields of the current systemd journal entry" },
  /* lib-apps.c, lib-osinfo.c, lib-icon.c: on the mounted guest */
  { { "inspect-list-applications", lib_list_applications, 1, 1, "root" }, "the packages installed in an inspected guest (old form)" },
  { { "inspect-list-applications2", lib_list_applications, 1, 1, "root" }, "the packages installed in an inspected guest, with their architecture" },
  { { "inspect-get-osinfo", lib_inspect_get_osinfo, 1, 1, "root" }, "the libosinfo short id guessed from inspection" },
  { { "inspect-get-icon", lib_inspect_get_icon, 1, 3, "root [favicon:true|false] [highquality:true|false]" }, "the guest's icon as PNG bytes (empty if none)" },
};
const size_t cli_nlibcmds = sizeof cli_libcmds / sizeof cli_libcmds[0];

const struct cli_libcmd *
cli_lib_find (const char *name)
{
  for (size_t i = 0; i < cli_nlibcmds; i++)
    if (strcmp (cli_libcmds[i].b.name, name) == 0)
      return &cli_libcmds[i];
  return NULL;
}

static const char *const absent[][2] = {
  { "add-domain", "libvirt domains: guestdrv runs qemu or UML itself, without libvirt; use -a on the domain's disks" },
  { "domain", "libvirt domains (alias of add-domain): use -a on the domain's disks" },
  { "get-libvirt-requested-credentials", "libvirt authentication: guestdrv does not use libvirt" },
  { "get-libvirt-requested-credential-prompt", "libvirt authentication: guestdrv does not use libvirt" },
  { "get-libvirt-requested-credential-challenge", "libvirt authentication: guestdrv does not use libvirt" },
  { "get-libvirt-requested-credential-defresult", "libvirt authentication: guestdrv does not use libvirt" },
  { "set-libvirt-requested-credential", "libvirt authentication: guestdrv does not use libvirt" },
  { "set-libvirt-supported-credentials", "libvirt authentication: guestdrv does not use libvirt" },
  { "mount-local", "FUSE mounts of the guest on the host are not implemented; use copy-out or download" },
  { "mount-local-run", "FUSE mounts of the guest on the host are not implemented" },
  { "umount-local", "FUSE mounts of the guest on the host are not implemented" },
  { "c-pointer", "the C handle's address: meaningful only to language bindings" },
  { "user-cancel", "cancels a transfer from another thread: guestdrv stops a transfer on Ctrl-C" },
  { "event", "event callbacks are not implemented; -v and --trace show the same events" },
  { "delete-event", "event callbacks are not implemented" },
  { "list-events", "event callbacks are not implemented" },
  { "internal-exit", "a libguestfs test hook" },
  { "reopen", "one appliance per guestdrv run; start guestdrv again" },
  { "edit", "interactive editing is not implemented; download, edit and upload" },
  { "vi", "interactive editing is not implemented; download, edit and upload" },
  { "emacs", "interactive editing is not implemented; download, edit and upload" },
  { "hexedit", "interactive editing is not implemented; use download-offset and upload-offset" },
  { "more", "a pager is not started; use cat" },
  { "less", "a pager is not started; use cat" },
  { "display", "an image viewer is not started; use download" },
  { "man", "see man guestdrv" },
  { "manual", "see man guestdrv" },
};

const char *
cli_lib_absent (const char *name)
{
  for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
    if (strcmp (absent[i][0], name) == 0)
      return absent[i][1];
  return NULL;
}
