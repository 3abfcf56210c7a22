/* The crash campaign's report: one table row or one JSON line per case. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "campaign.h"
#include "../common/json-write.h"

void
camp_report_header (FILE *f)
{
  fprintf (f, "%-22s %-12s %-13s %5s %6s %5s %10s %-12s %s\n", "case", "cache",
           "kernel", "cuts", "broken", "fsck", "fsync-lost", "verdict",
           "violations / note");
}

/* "append_lost=3,rename_lost=1", or "-". */
static void
kinds_text (const struct camp_case *c, char *buf, size_t size)
{
  size_t n = 0;

  buf[0] = '\0';
  for (int k = 0; k < CV_NKINDS && n < size; k++)
    if (c->violations[k])
      n += (size_t) snprintf (buf + n, size - n, "%s%s=%u", n ? "," : "",
                              camp_kind_names[k], c->violations[k]);
  if (!buf[0])
    snprintf (buf, size, "-");
}

void
camp_report_row (FILE *f, const struct camp_case *c)
{
  char kinds[256];

  kinds_text (c, kinds, sizeof kinds);
  fprintf (f, "%-22s %-12s %-13s %5u %6u %5u %10" PRIu64 " %-12s %s",
           c->label, c->cache, c->kernel, c->cuts, c->violating_cuts,
           c->fsck_errors, c->fsynced_bytes_lost, c->verdict, kinds);
  if (c->nbad) {
    fprintf (f, "; replay: --seed");
    for (unsigned i = 0; i < c->nbad && i < 3; i++)
      fprintf (f, " %" PRIu64, c->bad_seeds[i]);
    if (c->nbad > 3)
      fprintf (f, " ...");
  }
  if (c->note[0])
    fprintf (f, "; %s", c->note);
  fputc ('\n', f);
}

void
camp_report_json (FILE *f, const struct camp_case *c, uint64_t seed)
{
  fputs ("{\"backend\":", f);
  json_write_string (f, c->backend);
  fputs (",\"cache\":", f);
  json_write_string (f, c->cache);
  fputs (",\"disk\":", f);
  json_write_string (f, c->disk);
  fputs (",\"label\":", f);
  json_write_string (f, c->label);
  fputs (",\"guest_kernel\":", f);
  json_write_string (f, c->kernel);
  fputs (",\"verdict\":", f);
  json_write_string (f, c->verdict);
  fprintf (f, ",\"seed\":%" PRIu64 ",\"cuts\":%u,\"cuts_missed\":%u"
           ",\"rounds\":%u,\"ops_per_round\":%" PRIu64
           ",\"violating_cuts\":%u,\"fsck_errors\":%u"
           ",\"fsynced_bytes_lost\":%" PRIu64 ",\"boot_s\":%.2f,\"run_s\":%.2f"
           ",\"violations\":{",
           seed, c->cuts, c->cuts_missed, c->rounds, c->ops_per_round,
           c->violating_cuts, c->fsck_errors, c->fsynced_bytes_lost,
           c->boot_s, c->run_s);
  for (int k = 0; k < CV_NKINDS; k++)
    fprintf (f, "%s\"%s\":%u", k ? "," : "", camp_kind_names[k],
             c->violations[k]);
  fputs ("},\"cut_seeds\":[", f);
  for (unsigned i = 0; i < c->cuts; i++)
    fprintf (f, "%s%" PRIu64, i ? "," : "", c->seeds[i]);
  fputs ("],\"failed_seeds\":[", f);
  for (unsigned i = 0; i < c->nbad; i++)
    fprintf (f, "%s%" PRIu64, i ? "," : "", c->bad_seeds[i]);
  fputs ("],\"note\":", f);
  json_write_string (f, c->note);
  fputs ("}\n", f);
}

void
camp_report_legend (FILE *f)
{
  fputs (
"cuts: power cuts checked (each: the image as a cut after one random disk\n"
"  operation would leave it; see fsync/CAMPAIGN.md).  broken: cuts that broke\n"
"  a promise of an acknowledged operation or failed e2fsck -fn.  fsck: cuts\n"
"  whose image e2fsck -fn rejected after the journal replay.  fsync-lost:\n"
"  acknowledged bytes missing, summed over cuts.  verdict: honoured = 0\n"
"  broken cuts.  Replay one cut alone: --cuts 1 --seed SEED.\n", f);
}
