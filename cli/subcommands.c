/* Subcommands whose layers are not in this build yet would have weak
 * stubs here; every subcommand (bench, report, fsync-test) now has its
 * implementation in its own layer.
 */
#include "cli.h"
