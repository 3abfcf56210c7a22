/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hypervisor's console: a thread reads its stdout/stderr pipe, keeps
 * the tail for error messages, time-stamps the init's stage marks on
 * arrival and notes the first line from the guest kernel (the KVM
 * sign of life).  Under -v every line is shown.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "launcher-internal.h"
#include "../common/clock.h"
#include "../common/debug.h"
#include "../common/guest-text.h"
#include "../common/text.h"
#include "../trace/trace.h"

/* A console line that only a running Linux kernel or our init prints:
 * a printk time stamp "[    1.234567] ", or a stage mark.  Firmware
 * output (SeaBIOS, qboot) is neither.
 */
static int
is_guest_kernel_line (const char *line)
{
  const char *p = line;

  if (strncmp (line, "guestdrv-mark ", 14) == 0)
    return 1;
  if (*p++ != '[')
    return 0;
  while (*p == ' ')
    p++;
  if (*p < '0' || *p > '9')
    return 0;
  while (*p >= '0' && *p <= '9')
    p++;
  return *p == '.';
}

static void
console_line (struct hv *hv, char *line, uint64_t now)
{
  double up;
  char stage[48];

  if (unlikely (gd_verbose))
    gd_debug_print ("console", "%s", line);
  if (is_guest_kernel_line (line)) {
    pthread_mutex_lock (&hv->lock);
    if (hv->t_life_ns == 0)
      hv->t_life_ns = now;
    pthread_mutex_unlock (&hv->lock);
  }
  if (guest_parse_mark (line, &up, stage, sizeof stage) == 0) {
    pthread_mutex_lock (&hv->lock);
    if (hv->nmarks < HV_MARKS_MAX) {
      struct hv_mark *m = &hv->marks[hv->nmarks++];
      snprintf (m->stage, sizeof m->stage, "%s", stage);
      m->guest_uptime = up;
      m->host_ns = now;
    }
    pthread_mutex_unlock (&hv->lock);
    if (trace_on (TL_INIT)) {
      char args[96];
      snprintf (args, sizeof args, "\"guest_uptime_s\":%.3f", up);
      trace_instant (TL_INIT, stage, now, args);
    }
  }
}

static void *
console_reader (void *arg)
{
  struct hv *hv = arg;
  char buf[4096], line[1024];
  _Static_assert (sizeof buf <= CONSOLE_TAIL_MAX, "console buffer");
  size_t linelen = 0;
  ssize_t n;

  while ((n = read (hv->console_fd, buf, sizeof buf)) != 0) {
    uint64_t now;
    if (n == -1) {
      if (errno == EINTR)
        continue;
      break;
    }
    now = gd_now_ns ();
    pthread_mutex_lock (&hv->lock);
    if (hv->stats.t_first_console_ns == 0) {
      hv->stats.t_first_console_ns = now;
      if (trace_on (TL_LAUNCHER))
        trace_instant (TL_LAUNCHER, "first-console-byte", now, NULL);
    }
    /* Keep the tail for error messages (buf is smaller than the tail). */
    if (hv->console_len + n > CONSOLE_TAIL_MAX) {
      size_t drop = hv->console_len + n - CONSOLE_TAIL_MAX;
      memmove (hv->console_tail, hv->console_tail + drop, hv->console_len - drop);
      hv->console_len -= drop;
    }
    memcpy (hv->console_tail + hv->console_len, buf, n);
    hv->console_len += n;
    pthread_mutex_unlock (&hv->lock);

    for (ssize_t i = 0; i < n; i++) {
      char c = buf[i];
      if (c == '\n' || linelen == sizeof line - 1) {
        while (linelen > 0 && line[linelen - 1] == '\r')
          linelen--;
        line[linelen] = '\0';
        console_line (hv, line, now);
        linelen = 0;
        if (c == '\n')
          continue;
      }
      line[linelen++] = c;
    }
  }
  if (linelen > 0) {
    line[linelen] = '\0';
    console_line (hv, line, gd_now_ns ());
  }
  return NULL;
}

int
hv_console_start (struct hv *hv, int fd)
{
  hv->console_fd = fd;
  if (pthread_create (&hv->console_thread, NULL, console_reader, hv) != 0)
    return -1;
  hv->console_thread_started = 1;
  return 0;
}

void
hv_console_stop (struct hv *hv)
{
  if (hv->console_thread_started)
    pthread_join (hv->console_thread, NULL);
  hv->console_thread_started = 0;
  if (hv->console_fd >= 0)
    close (hv->console_fd);
  hv->console_fd = -1;
}

uint64_t
hv_console_life_ns (struct hv *hv)
{
  uint64_t t;

  pthread_mutex_lock (&hv->lock);
  t = hv->t_life_ns;
  pthread_mutex_unlock (&hv->lock);
  return t;
}

const char *
hv_console_tail (struct hv *hv)
{
  pthread_mutex_lock (&hv->lock);
  memcpy (hv->console_tail_copy, hv->console_tail, hv->console_len);
  hv->console_tail_copy[hv->console_len] = '\0';
  pthread_mutex_unlock (&hv->lock);
  return hv->console_tail_copy;
}

void
hv_console_last_line (struct hv *hv, char *out, size_t outlen)
{
  const char *t = hv_console_tail (hv);
  size_t n;
  const char *line = gd_last_line (t, strlen (t), &n);

  snprintf (out, outlen, "%.*s", (int) n, line);
}

unsigned
hv_get_marks (struct hv *hv, struct hv_mark_info *out, unsigned max)
{
  unsigned n;
  pthread_mutex_lock (&hv->lock);
  n = hv->nmarks < max ? hv->nmarks : max;
  for (unsigned i = 0; i < n; i++) {
    snprintf (out[i].stage, sizeof out[i].stage, "%s", hv->marks[i].stage);
    out[i].guest_uptime = hv->marks[i].guest_uptime;
    out[i].host_ns = hv->marks[i].host_ns;
  }
  pthread_mutex_unlock (&hv->lock);
  return n;
}
