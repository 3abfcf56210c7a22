#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The failures of test-tcg-failures.sh on UML (daemon crash, hung guest
# past --timeout, Ctrl-C), plus Ctrl-C in the middle of an upload: one
# clear error, a non-zero exit, no UML process or temp file left.
FAILURES_BACKEND=uml exec bash "$(dirname "$0")/test-tcg-failures.sh"
