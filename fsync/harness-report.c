/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fsync-test's report: the table (a row per case with its verdict and
 * evidence, then the legend) and the JSON lines of --json and --keep.
 */
#include <stdio.h>

#include "harness.h"
#include "../common/json-write.h"

static void
json_str (FILE *f, const char *key, const char *v)
{
  fprintf (f, "\"%s\":", key);
  json_write_string (f, v);
}

void
harness_report_json (FILE *f, const struct case_result *r)
{
  const struct fc_result *fc = &r->fc;
  const struct fc_phase *a = &fc->phase[FC_PHASE_FSYNCED];
  const struct fc_phase *b = &fc->phase[FC_PHASE_UNSYNCED];

  fputc ('{', f);
  json_str (f, "backend", r->backend); fputc (',', f);
  json_str (f, "cache", r->cache); fputc (',', f);
  json_str (f, "channel", r->channel); fputc (',', f);
  json_str (f, "disk", r->disk); fputc (',', f);
  json_str (f, "image", r->image); fputc (',', f);
  json_str (f, "guest_kernel", r->guest_kernel); fputc (',', f);
  json_str (f, "verdict", r->verdict); fputc (',', f);
  json_str (f, "flush_accounting", r->method1); fputc (',', f);
  json_str (f, "power_cut", r->method2); fputc (',', f);
  if (fc->available) {
    fprintf (f, "\"host_flushes\":%u,", a->fsyncs + a->fdatasyncs + a->dsync_writes);
    fprintf (f, "\"host_flushes_unsynced\":%u,", b->fsyncs + b->fdatasyncs + b->dsync_writes);
    fprintf (f, "\"flush_detail\":{");
    for (int p = 0; p < FC_NPHASES; p++) {
      static const char *const names[] = { "before", "fsynced", "unsynced", "after" };
      const struct fc_phase *ph = &fc->phase[p];
      fprintf (f, "%s\"%s\":{\"fsync\":%u,\"fdatasync\":%u,\"sync_file_range\":%u,"
               "\"syncfs\":%u,\"sync\":%u,\"rwf_dsync_writes\":%u,\"opens\":%u}",
               p ? "," : "", names[p], ph->fsyncs, ph->fdatasyncs,
               ph->sync_file_ranges, ph->syncfs, ph->syncs, ph->dsync_writes,
               ph->opens);
    }
    fprintf (f, "},\"open_o_direct\":%s,\"open_o_dsync\":%s,\"open_o_sync\":%s,",
             fc->o_direct ? "true" : "false", fc->o_dsync ? "true" : "false",
             fc->o_sync ? "true" : "false");
    json_str (f, "flush_method", fc->method); fputc (',', f);
  }
  else
    fprintf (f, "\"host_flushes\":null,");
  if (r->cut_done) {
    fprintf (f, "\"pattern_bytes\":%llu,\"fsynced_bytes_lost\":%llu,"
             "\"unsynced_bytes_lost\":%llu,\"fsynced_on_host_before_cut\":%s,"
             "\"unsynced_on_host_before_cut\":%s,\"model_dirty_before_cut\":%llu,"
             "\"model_bytes_lost\":%llu,\"model_fsyncs\":%llu,"
             "\"model_fdatasyncs\":%llu,\"model_sync_writes\":%llu,"
             "\"model_writebacks\":%llu,\"e2fsck_status\":%d,",
             (unsigned long long) r->pattern_bytes,
             (unsigned long long) r->fsynced_bytes_lost,
             (unsigned long long) r->unsynced_bytes_lost,
             r->fsynced_on_host ? "true" : "false",
             r->unsynced_on_host ? "true" : "false",
             (unsigned long long) r->dirty_before_cut,
             (unsigned long long) r->cut_bytes_lost,
             (unsigned long long) r->model_fsyncs,
             (unsigned long long) r->model_fdatasyncs,
             (unsigned long long) r->model_sync_writes,
             (unsigned long long) r->writebacks, r->fsck_status);
  }
  else
    fprintf (f, "\"fsynced_bytes_lost\":null,\"unsynced_bytes_lost\":null,");
  fprintf (f, "\"guest_fsync_s\":%.3f,", r->guest_fsync_s);
  json_str (f, "note", r->note);
  fprintf (f, "}\n");
}

void
harness_report_header (FILE *f, int kernel_col)
{
  if (kernel_col)
    fprintf (f, "%-*s ", kernel_col, "kernel");
  fprintf (f, "%-21s %-12s %-13s %-13s %-13s %-11s %-8s %-12s %-13s %-9s %s\n",
           "backend", "cache", "verdict", "flush-acct", "power-cut",
           "flushes f/u", "open", "fsynced-lost", "unsynced-lost",
           "volatile", "e2fsck");
}

void
harness_report_row (FILE *f, const struct case_result *r, int kernel_col)
{
  const struct fc_result *fc = &r->fc;
  char flushes[32] = "-", open[16] = "-", lost_s[24] = "-", lost_u[24] = "-";
  char fsck[16] = "-", vol[16] = "-";

  if (fc->available) {
    const struct fc_phase *a = &fc->phase[FC_PHASE_FSYNCED];
    const struct fc_phase *b = &fc->phase[FC_PHASE_UNSYNCED];
    snprintf (flushes, sizeof flushes, "%u/%u",
              a->fsyncs + a->fdatasyncs + a->dsync_writes,
              b->fsyncs + b->fdatasyncs + b->dsync_writes);
  }
  if (fc->image_fds || fc->available)
    snprintf (open, sizeof open, "%s%s",
              fc->o_sync ? "SYNC" : fc->o_dsync ? "DSYNC" : "",
              fc->o_direct ? ((fc->o_sync || fc->o_dsync) ? "+DIRECT" : "DIRECT")
              : (fc->o_sync || fc->o_dsync) ? "" : "cached");
  if (r->cut_done) {
    snprintf (lost_s, sizeof lost_s, "%llu", (unsigned long long) r->fsynced_bytes_lost);
    snprintf (lost_u, sizeof lost_u, "%llu", (unsigned long long) r->unsynced_bytes_lost);
    snprintf (fsck, sizeof fsck, "%s", r->fsck_status == 0 ? "clean" : "ERRORS");
    snprintf (vol, sizeof vol, "%llu", (unsigned long long) r->dirty_before_cut);
  }
  if (kernel_col)
    fprintf (f, "%-*s ", kernel_col, r->guest_kernel);
  fprintf (f, "%-21s %-12s %-13s %-13s %-13s %-11s %-8s %-12s %-13s %-9s %s\n",
           r->label, r->cache, r->verdict, r->method1, r->method2, flushes,
           open, lost_s, lost_u, vol, fsck);
  if (r->note[0])
    fprintf (f, "        %s/%s%s%s: %s\n", r->label, r->cache,
             kernel_col ? "/" : "", kernel_col ? r->guest_kernel : "", r->note);
}

void
harness_report_legend (FILE *f)
{
  fprintf (f,
"flushes f/u: the hypervisor's fsync+fdatasync on the image while the guest\n"
"  fsynced / while it wrote without sync.  open: the image's open mode.\n"
"fsynced-lost / unsynced-lost: bytes of each %d-byte pattern file not found\n"
"  on the backing image after the cut.  volatile: bytes in the model's\n"
"  cache at the cut.  e2fsck: -fn on the backing image after the cut.\n",
           1024 * 1024);
}
