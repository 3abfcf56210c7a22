/* The User-Mode Linux backend: not written yet (its own issue). */
#include "launcher-internal.h"
#include "../common/error.h"

static int
uml_check (const struct launch_config *cfg)
{
  (void) cfg;
  gd_set_error ("--backend uml: not available in this build yet");
  return -1;
}

static struct hv *
uml_start (const struct launch_config *cfg, const struct appliance_files *app)
{
  (void) cfg; (void) app;
  gd_set_error ("--backend uml: not available in this build yet");
  return NULL;
}

const struct backend_ops uml_backend_ops = {
  .name = "uml",
  .check = uml_check,
  .start = uml_start,
};
