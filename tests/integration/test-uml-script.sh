#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command of test-tcg-script.sh (partitions, mkfs optargs,
# write/cat, tgz-in/tar-in, fill, dd, copy-device-to-file, add-ro, ...)
# on UML, with the same host-side checks: the command set does not depend
# on the backend.
SCRIPT_BACKEND=uml exec bash "$(dirname "$0")/test-tcg-script.sh"
