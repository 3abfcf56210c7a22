/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The trace recorder: an in-memory list of events, written once as Trace
 * Event Format JSON.  One "thread" (track) per layer inside one process.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "trace.h"
#include "../common/error.h"
#include "../common/json-write.h"

unsigned trace_mask;

static const char *const layer_names[TL_NLAYERS] = {
  "launcher", "kernel", "init", "daemon", "channel", "protocol", "disk",
};

struct event {
  char ph;                      /* 'X', 'i', 'C' */
  enum trace_layer layer;
  char *name;
  uint64_t t0, t1;
  char *args;                   /* inside of a JSON object, or NULL */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct event *events;
static size_t nevents, cap;

/* Instants and counters can be driven by the guest (progress records,
 * console marks, channel reads), so each layer keeps at most this many
 * of each; the rest are counted in summary.<layer>.dropped_events.
 * Complete events come from host calls and are not capped.
 */
#define TRACE_INSTANTS_MAX 10000
#define TRACE_COUNTERS_MAX 200000
static size_t ninstants[TL_NLAYERS], ncounters[TL_NLAYERS];
static uint64_t dropped[TL_NLAYERS];

int
trace_parse_layers (const char *list, unsigned *mask)
{
  char *copy = strdup (list), *save = NULL, *tok;
  unsigned m = 0;

  if (!copy) {
    gd_set_error_errno ("strdup");
    return -1;
  }
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save)) {
    int i, found = 0;
    if (strcmp (tok, "all") == 0) {
      m = (1u << TL_NLAYERS) - 1;
      continue;
    }
    for (i = 0; i < TL_NLAYERS; i++)
      if (strcmp (tok, layer_names[i]) == 0) {
        m |= 1u << i;
        found = 1;
      }
    if (!found) {
      gd_set_error ("--trace-layers: unknown layer '%s' (known: launcher,kernel,init,daemon,channel,protocol,disk,all)", tok);
      free (copy);
      return -1;
    }
  }
  free (copy);
  *mask = m;
  return 0;
}

static void
add (char ph, enum trace_layer l, const char *name, uint64_t t0, uint64_t t1,
     char *args)
{
  struct event *e;

  pthread_mutex_lock (&lock);
  if ((ph == 'i' && ninstants[l]++ >= TRACE_INSTANTS_MAX) ||
      (ph == 'C' && ncounters[l]++ >= TRACE_COUNTERS_MAX)) {
    dropped[l]++;
    pthread_mutex_unlock (&lock);
    free (args);
    return;
  }
  if (nevents == cap) {
    size_t ncap = cap ? cap * 2 : 1024;
    struct event *n = realloc (events, ncap * sizeof *n);
    if (!n) {
      pthread_mutex_unlock (&lock);
      free (args);
      return;                   /* tracing is best effort under OOM */
    }
    events = n;
    cap = ncap;
  }
  e = &events[nevents++];
  e->ph = ph;
  e->layer = l;
  e->name = strdup (name);
  e->t0 = t0;
  e->t1 = t1;
  e->args = args;
  pthread_mutex_unlock (&lock);
}

void
trace_complete (enum trace_layer l, const char *name, uint64_t t0_ns,
                uint64_t t1_ns, const char *args_json)
{
  add ('X', l, name, t0_ns, t1_ns, args_json ? strdup (args_json) : NULL);
}

void
trace_instant (enum trace_layer l, const char *name, uint64_t t_ns,
               const char *args_json)
{
  add ('i', l, name, t_ns, t_ns, args_json ? strdup (args_json) : NULL);
}

void
trace_counter (enum trace_layer l, const char *name, uint64_t t_ns,
               const char *series, double value)
{
  char *args = NULL;

  /* JSON has no NaN or infinity. */
  if (!isfinite (value))
    return;
  if (asprintf (&args, "\"%s\":%.17g", series, value) == -1)
    args = NULL;
  add ('C', l, name, t_ns, t_ns, args);
}

/* The summary: a short list of (layer, key, JSON value). */
struct summary_item {
  enum trace_layer layer;
  char *key, *value;
};
static struct summary_item *summary;
static size_t nsummary, summary_cap;

void
trace_summary_json (enum trace_layer l, const char *key, const char *value_json)
{
  char *k, *v;
  size_t i;

  if ((unsigned) l >= TL_NLAYERS || !key || !value_json)
    return;
  pthread_mutex_lock (&lock);
  for (i = 0; i < nsummary; i++)
    if (summary[i].layer == l && strcmp (summary[i].key, key) == 0) {
      v = strdup (value_json);
      if (v) {
        free (summary[i].value);
        summary[i].value = v;
      }
      pthread_mutex_unlock (&lock);
      return;
    }
  if (nsummary == summary_cap) {
    size_t ncap = summary_cap ? summary_cap * 2 : 64;
    struct summary_item *n = realloc (summary, ncap * sizeof *n);
    if (!n)
      goto out;
    summary = n;
    summary_cap = ncap;
  }
  k = strdup (key);
  v = strdup (value_json);
  if (!k || !v) {
    free (k);
    free (v);
    goto out;
  }
  summary[nsummary++] = (struct summary_item) { l, k, v };
 out:
  pthread_mutex_unlock (&lock);
}

void
trace_summary_num (enum trace_layer l, const char *key, double v)
{
  char buf[64];

  /* JSON has no NaN or infinity. */
  if (v != v || v > 1e300 || v < -1e300)
    v = 0;
  snprintf (buf, sizeof buf, "%.17g", v);
  trace_summary_json (l, key, buf);
}

void
trace_summary_str (enum trace_layer l, const char *key, const char *s)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);

  if (!f)
    return;
  json_write_string (f, s ? s : "");
  if (fclose (f) == 0)
    trace_summary_json (l, key, buf);
  free (buf);
}

int
trace_write (const char *path)
{
  FILE *f = fopen (path, "w");
  size_t i;
  int l;

  if (!f) {
    gd_set_error_errno ("trace: %s", path);
    return -1;
  }
  gd_clock_init ();
  fprintf (f, "{\"displayTimeUnit\":\"ms\",\n\"otherData\":{\"tool\":\"guestdrv\",\"version\":\"%s\",\"summary\":{",
           GUESTDRV_VERSION);
  pthread_mutex_lock (&lock);
  for (l = 0; l < TL_NLAYERS; l++) {
    int first = 1;
    fprintf (f, "%s\n \"%s\":{", l ? "," : "", layer_names[l]);
    if (dropped[l]) {
      fprintf (f, "\n  \"dropped_events\":%" PRIu64, dropped[l]);
      first = 0;
    }
    for (i = 0; i < nsummary; i++) {
      if (summary[i].layer != (enum trace_layer) l)
        continue;
      fprintf (f, "%s\n  ", first ? "" : ",");
      json_write_string (f, summary[i].key);
      fprintf (f, ":%s", summary[i].value);
      first = 0;
    }
    fprintf (f, "}");
  }
  pthread_mutex_unlock (&lock);
  fprintf (f, "}},\n\"traceEvents\":[\n");
  fprintf (f, "{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"guestdrv\"}}");
  for (l = 0; l < TL_NLAYERS; l++)
    fprintf (f, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"thread_name\",\"args\":{\"name\":\"%s\"}}",
             l + 1, layer_names[l]);
  pthread_mutex_lock (&lock);
  for (i = 0; i < nevents; i++) {
    const struct event *e = &events[i];
    double ts = (double) (int64_t) (e->t0 - gd_clock_origin) / 1000.0;
    fprintf (f, ",\n{\"ph\":\"%c\",\"pid\":1,\"tid\":%d,\"cat\":\"%s\",\"name\":",
             e->ph, e->layer + 1, layer_names[e->layer]);
    json_write_string (f, e->name ? e->name : "?");
    fprintf (f, ",\"ts\":%.3f", ts);
    if (e->ph == 'X')
      fprintf (f, ",\"dur\":%.3f", (double) (e->t1 - e->t0) / 1000.0);
    if (e->ph == 'i')
      fprintf (f, ",\"s\":\"t\"");
    fprintf (f, ",\"args\":{%s}}", e->args ? e->args : "");
  }
  pthread_mutex_unlock (&lock);
  fprintf (f, "\n]}\n");
  if (fclose (f) == EOF) {
    gd_set_error_errno ("trace: %s", path);
    return -1;
  }
  return 0;
}

void
trace_reset (void)
{
  size_t i;
  pthread_mutex_lock (&lock);
  for (i = 0; i < nevents; i++) {
    free (events[i].name);
    free (events[i].args);
  }
  free (events);
  events = NULL;
  nevents = cap = 0;
  memset (ninstants, 0, sizeof ninstants);
  memset (ncounters, 0, sizeof ncounters);
  memset (dropped, 0, sizeof dropped);
  for (i = 0; i < nsummary; i++) {
    free (summary[i].key);
    free (summary[i].value);
  }
  free (summary);
  summary = NULL;
  nsummary = summary_cap = 0;
  pthread_mutex_unlock (&lock);
}
