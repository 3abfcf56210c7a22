/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a daemon procedure as a guestfish command: check the argument
 * count, parse each word by its signature code (proc-info.h), encode the
 * required arguments then every optional one (unset ones as zero), call,
 * and print the reply.  FileIn/FileOut words are host files ("-" is
 * stdin/stdout) streamed in chunks.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../common/error.h"
#include "../common/fdio.h"

int
cli_ensure_launched (struct cli *c)
{
  if (session_is_launched (c->s))
    return 0;
  return session_launch (c->s);
}

void
cli_proc_usage (FILE *f, const struct proto_proc_info *pi)
{
  char name[64];
  size_t nargs = strlen (pi->args), nopt = strlen (pi->optargs);
  int hf = cli_host_file_pos (pi);

  for (const char *n = pi->name; *n; n++)
    fputc (*n == '_' ? '-' : *n, f);
  for (size_t w = 0, k = 0; k < nargs || (int) w == hf; w++) {
    if ((int) w == hf)
      fprintf (f, " %s", cli_cmd_by_proc (pi->proc)->host_file_name);
    else if (pi->args[k++] != 'K')
      fprintf (f, " %s", cli_nth_name (pi->arg_names, k - 1, name, sizeof name));
  }
  for (size_t i = 0; i < nopt; i++) {
    char c = pi->optargs[i];
    fprintf (f, " [%s:%s]", cli_nth_name (pi->optarg_names, i, name, sizeof name),
             c == 'b' ? "true|false" : c == 'i' || c == 'I' ? "N" : "..");
  }
}

/* A daemon error reads as libguestfs words it: the API name, then the
 * daemon's message as it came.  A call that failed on our side (the
 * appliance died, a timeout, a transfer cancelled) names the call too.
 */
void
cli_daemon_error (const struct proto_proc_info *pi, const struct proto_reply *rep)
{
  if (rep->status != 0)
    gd_set_error ("%s: %s", pi->name, rep->error_message ? rep->error_message : "");
  /* The daemon cancelled a FileOut transfer after its OK reply, so it
   * had no message to send (proto.h); libguestfs says only this.  The
   * guest kernel's I/O error, when the session found one, stays after
   * it, as after a daemon's error message.
   */
  else if (strncmp (gd_get_error (), "download failed in the appliance", 32) == 0) {
    const char *why = strstr (gd_get_error (), " (the guest kernel: ");
    char tail[256];

    snprintf (tail, sizeof tail, "%s", why ? why : "");
    gd_set_error ("file receive cancelled by daemon%s", tail);
  }
  else
    gd_error_prefix ("%s", pi->name);
}

int
cli_call_proc (struct cli *c, const struct proto_proc_info *pi,
               int argc, char **argv, struct proto_reply *rep)
{
  const char *host_file = NULL;
  struct proto_args *a = NULL;
  uint64_t optmask = 0, hint = 0;
  struct gd_fd_io io = { .fd = -1 };
  int r;

  r = cli_proc_encode (pi, argc, argv, &a, &optmask, &host_file);
  if (r != 0)
    return r;
  r = -1;

  if (pi->transfer == PROTO_TRANSFER_FILEIN) {
    struct stat st;
    io.fd = strcmp (host_file, "-") == 0 ? dup (0)
          : open (host_file, O_RDONLY | O_CLOEXEC);
    if (io.fd == -1) {
      gd_set_error_errno ("open: %s", host_file);
      goto out;
    }
    if (fstat (io.fd, &st) == 0 && S_ISREG (st.st_mode))
      hint = (uint64_t) st.st_size;
  }
  else if (pi->transfer == PROTO_TRANSFER_FILEOUT) {
    io.fd = strcmp (host_file, "-") == 0 ? dup (1)
          : open (host_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    /* libguestfs names the file alone here (it has started the
     * transfer, which it then cancels; guestdrv does not start it).
     */
    if (io.fd == -1) {
      gd_set_error_errno ("%s", host_file);
      goto out;
    }
    fflush (stdout);
  }
  if (cli_ensure_launched (c) == -1)
    goto out;
  if (pi->transfer == PROTO_TRANSFER_FILEIN)
    r = session_call_filein (c->s, pi->proc, optmask, a, hint, gd_fd_source, &io, rep);
  else if (pi->transfer == PROTO_TRANSFER_FILEOUT)
    r = session_call_fileout (c->s, pi->proc, optmask, a, gd_fd_sink, &io, rep);
  else
    r = session_call (c->s, pi->proc, optmask, a, rep);
  if (r != 0) {
    cli_daemon_error (pi, rep);
    r = -1;
  }
 out:
  if (io.fd >= 0 && close (io.fd) == -1 && r == 0 &&
      pi->transfer == PROTO_TRANSFER_FILEOUT) {
    gd_set_error_errno ("%s", host_file);
    r = -1;
  }
  proto_args_free (a);
  return r;
}

int
cli_run_proc (struct cli *c, const struct proto_proc_info *pi, int argc, char **argv)
{
  struct proto_reply rep = { 0 };
  int r = cli_call_proc (c, pi, argc, argv, &rep);

  if (r == 0 && cli_print_reply (pi, &rep) == -1)
    r = -1;
  proto_reply_free (&rep);
  return r;
}
