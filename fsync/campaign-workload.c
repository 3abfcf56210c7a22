/* The crash campaign's workload: what the guest does in one round, and
 * what each acknowledged step lets an application assume after a power
 * cut.  These are the patterns applications build durability on:
 *
 *   setup      mkdir /rN, files written, sync(1)          (the baseline)
 *   append     a 16 KiB record appended, fsync            (x3: a log)
 *   fdatasync  64 KiB overwritten in place, fdatasync     (a data file)
 *   rename     32 KiB to cfg.tmp, fsync, mv to cfg, fsync the directory
 *              (x2: the atomic replace every config writer uses)
 *   O_SYNC     32 KiB with O_SYNC writes
 *   O_DIRECT   32 KiB with O_DIRECT|O_DSYNC writes        (a database)
 *   sync       32 KiB written, then sync(1)
 *
 * Every byte written is `yes LINE | head -c SIZE` with a LINE naming the
 * round, file and version plus a per-round nonce, so the host can tell
 * each version (and stale data) apart.
 *
 * The promises checked after a cut (campaign.h's kinds):
 *   - an acknowledged append is there, whole, at its place;
 *   - an acknowledged fdatasync'd overwrite is there; before it started,
 *     the setup's version is (sync(1) made it durable);
 *   - cfg is always absent, version 1 or version 2, never anything else
 *     (torn), and at least the last acknowledged version;
 *   - acknowledged O_SYNC, O_DIRECT|O_DSYNC and sync(1) data is there.
 * A step in flight at the cut promises nothing but cfg's atomicity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "harness.h"

#define REC_SIZE 16384
#define DATA_SIZE 65536
#define SMALL_SIZE 32768

const char *const camp_kind_names[CV_NKINDS] = {
  "append_lost", "fdatasync_lost", "rename_torn", "rename_lost",
  "osync_lost", "odirect_lost", "sync_lost", "setup_lost",
};

const char *const camp_file_names[CF_NFILES] = {
  "log", "data", "cfg", "osync", "odirect", "synced",
};

/* The line of the pattern of FILE version VER in round RD. */
static void
camp_line (const struct camp_round *rd, const char *file, unsigned ver,
           char *buf, size_t size)
{
  snprintf (buf, size, "gdc %08x r%u %s v%u", rd->nonce, rd->index, file,
            ver);
}

/* `yes LINE | head -c SIZE` as a shell pipeline's first half. */
static int
gen (const struct camp_round *rd, const char *file, unsigned ver,
     unsigned size, char *buf, size_t bsize)
{
  char line[96];

  camp_line (rd, file, ver, line, sizeof line);
  return snprintf (buf, bsize, "yes '%s' | head -c %u", line, size);
}

void
camp_step_command (const struct camp_round *rd, int step, char *buf,
                   size_t size)
{
  char d[32], g[160];

  snprintf (d, sizeof d, "/sysroot/r%u", rd->index);
  switch (step) {
  case CS_SETUP:
    gen (rd, "data", 0, DATA_SIZE, g, sizeof g);
    snprintf (buf, size, "mkdir %s && %s > %s/data && : > %s/log && "
              "touch %s/osync %s/odirect && sync && echo guestdrv-ok",
              d, g, d, d, d, d);
    break;
  case CS_APPEND1: case CS_APPEND2: case CS_APPEND3:
    gen (rd, "log", (unsigned) (step - CS_APPEND1 + 1), REC_SIZE, g, sizeof g);
    snprintf (buf, size, "%s | dd of=%s/log bs=%u iflag=fullblock "
              "oflag=append conv=notrunc,fsync 2>&1 && echo guestdrv-ok",
              g, d, REC_SIZE);
    break;
  case CS_FDATASYNC:
    gen (rd, "data", 1, DATA_SIZE, g, sizeof g);
    snprintf (buf, size, "%s | dd of=%s/data bs=%u iflag=fullblock "
              "conv=notrunc,fdatasync 2>&1 && echo guestdrv-ok",
              g, d, DATA_SIZE);
    break;
  case CS_RENAME1: case CS_RENAME2:
    gen (rd, "cfg", (unsigned) (step - CS_RENAME1 + 1), SMALL_SIZE, g,
         sizeof g);
    snprintf (buf, size, "%s > %s/cfg.tmp && sync %s/cfg.tmp && "
              "mv %s/cfg.tmp %s/cfg && sync %s && echo guestdrv-ok",
              g, d, d, d, d, d);
    break;
  case CS_OSYNC:
    gen (rd, "osync", 1, SMALL_SIZE, g, sizeof g);
    snprintf (buf, size, "%s | dd of=%s/osync bs=4096 iflag=fullblock "
              "oflag=sync conv=notrunc 2>&1 && echo guestdrv-ok", g, d);
    break;
  case CS_ODIRECT:
    gen (rd, "odirect", 1, SMALL_SIZE, g, sizeof g);
    snprintf (buf, size, "%s | dd of=%s/odirect bs=4096 iflag=fullblock "
              "oflag=direct,dsync conv=notrunc 2>&1 && echo guestdrv-ok",
              g, d);
    break;
  case CS_SYNC:
    gen (rd, "synced", 1, SMALL_SIZE, g, sizeof g);
    snprintf (buf, size, "%s > %s/synced && sync && echo guestdrv-ok", g, d);
    break;
  default:
    buf[0] = '\0';
  }
}

enum camp_status
camp_step_status (const struct camp_round *rd, int step, uint64_t op)
{
  if (step >= rd->nsteps_run)
    return op <= rd->before[step] || rd->before[step] == 0
      ? CST_NOT_STARTED : CST_IN_FLIGHT;
  if (op >= rd->after[step])
    return CST_DONE;
  return op <= rd->before[step] ? CST_NOT_STARTED : CST_IN_FLIGHT;
}

/* Bytes of WANT (LEN) not matching GOT (GLEN, shorter if cut short). */
static uint64_t
diff_bytes (const char *want, size_t len, const char *got, size_t glen)
{
  uint64_t d = len > glen ? len - glen : 0;

  for (size_t i = 0; i < len && i < glen; i++)
    d += want[i] != got[i];
  return d;
}

static void
violate (struct camp_cut_result *r, enum camp_kind k, uint64_t bytes,
         bool acked, const char *what)
{
  r->violations[k]++;
  if (acked)
    r->fsynced_bytes_lost += bytes;
  if (!r->detail[0])
    snprintf (r->detail, sizeof r->detail, "%s: %s", camp_kind_names[k],
              what);
}

/* Is FILE exactly the pattern of version VER, SIZE bytes? */
static bool
is_version (const struct camp_round *rd, const struct camp_files *f, int fi,
            unsigned ver, size_t size)
{
  char line[96], *want;
  bool same;

  if (!f->data[fi] || f->len[fi] != size)
    return false;
  camp_line (rd, camp_file_names[fi], ver, line, sizeof line);
  want = harness_pattern_make (line, size);
  same = want && memcmp (want, f->data[fi], size) == 0;
  free (want);
  return same;
}

/* An acknowledged whole-file write (O_SYNC, O_DIRECT, sync): exact. */
static void
check_whole (const struct camp_round *rd, const struct camp_files *f,
             int fi, unsigned ver, size_t size, enum camp_kind k,
             struct camp_cut_result *r)
{
  char line[96], what[96], *want;
  uint64_t d;

  camp_line (rd, camp_file_names[fi], ver, line, sizeof line);
  want = harness_pattern_make (line, size);
  if (!want)
    return;
  d = f->data[fi] ? diff_bytes (want, size, f->data[fi], f->len[fi]) : size;
  if (d) {
    snprintf (what, sizeof what, "/r%u/%s: %llu of %zu bytes not there",
              rd->index, camp_file_names[fi], (unsigned long long) d, size);
    violate (r, k, d, true, what);
  }
  free (want);
}

static void
check_log (const struct camp_round *rd, const struct camp_files *f,
           struct camp_cut_result *r)
{
  char line[96], what[96];

  for (int i = 0; i < 3; i++) {
    char *want;
    uint64_t d;
    size_t off = (size_t) i * REC_SIZE;
    if (camp_step_status (rd, CS_APPEND1 + i, r->op) != CST_DONE)
      break;
    camp_line (rd, "log", (unsigned) i + 1, line, sizeof line);
    want = harness_pattern_make (line, REC_SIZE);
    if (!want)
      return;
    if (!f->data[CF_LOG] || f->len[CF_LOG] <= off)
      d = REC_SIZE;
    else
      d = diff_bytes (want, REC_SIZE, f->data[CF_LOG] + off,
                      f->len[CF_LOG] - off);
    free (want);
    if (d) {
      snprintf (what, sizeof what, "/r%u/log record %d: %llu bytes lost",
                rd->index, i + 1, (unsigned long long) d);
      violate (r, CV_APPEND_LOST, d, true, what);
    }
  }
}

static void
check_cfg (const struct camp_round *rd, const struct camp_files *f,
           struct camp_cut_result *r)
{
  unsigned have = 0, need = 0;
  char what[96];

  if (camp_step_status (rd, CS_RENAME2, r->op) == CST_DONE)
    need = 2;
  else if (camp_step_status (rd, CS_RENAME1, r->op) == CST_DONE)
    need = 1;
  if (f->data[CF_CFG]) {
    if (is_version (rd, f, CF_CFG, 1, SMALL_SIZE))
      have = 1;
    else if (is_version (rd, f, CF_CFG, 2, SMALL_SIZE))
      have = 2;
    else {
      snprintf (what, sizeof what, "/r%u/cfg (%zu bytes) is neither "
                "version", rd->index, f->len[CF_CFG]);
      violate (r, CV_RENAME_TORN, SMALL_SIZE, need > 0, what);
      return;
    }
  }
  if (have < need) {
    snprintf (what, sizeof what, "/r%u/cfg is %s, version %u was "
              "acknowledged", rd->index, have ? "version 1" : "absent", need);
    violate (r, CV_RENAME_LOST, SMALL_SIZE, true, what);
  }
}

void
camp_check_promises (const struct camp_round *rd,
                     const struct camp_files *f, struct camp_cut_result *r)
{
  char what[96];

  if (camp_step_status (rd, CS_SETUP, r->op) != CST_DONE)
    return;                     /* nothing promised yet but fsck */
  check_log (rd, f, r);
  switch (camp_step_status (rd, CS_FDATASYNC, r->op)) {
  case CST_DONE:
    check_whole (rd, f, CF_DATA, 1, DATA_SIZE, CV_FDATASYNC_LOST, r);
    break;
  case CST_NOT_STARTED:
    if (!is_version (rd, f, CF_DATA, 0, DATA_SIZE)) {
      snprintf (what, sizeof what, "/r%u/data is not the synced version 0",
                rd->index);
      violate (r, CV_SETUP_LOST, DATA_SIZE, true, what);
    }
    break;
  case CST_IN_FLIGHT:
    break;
  }
  check_cfg (rd, f, r);
  if (camp_step_status (rd, CS_OSYNC, r->op) == CST_DONE)
    check_whole (rd, f, CF_OSYNC, 1, SMALL_SIZE, CV_OSYNC_LOST, r);
  if (camp_step_status (rd, CS_ODIRECT, r->op) == CST_DONE)
    check_whole (rd, f, CF_ODIRECT, 1, SMALL_SIZE, CV_ODIRECT_LOST, r);
  if (camp_step_status (rd, CS_SYNC, r->op) == CST_DONE)
    check_whole (rd, f, CF_SYNCED, 1, SMALL_SIZE, CV_SYNC_LOST, r);
}
