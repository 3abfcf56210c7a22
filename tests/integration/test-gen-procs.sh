#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# protocol/gen-procs.py reads its three tables by column name and checks
# them against each other: a table with its columns moved generates the
# same code, and each kind of inconsistency is refused with one line
# naming the table row.  No appliance.
source "$(dirname "$0")/lib.sh"
gen=$top/protocol/gen-procs.py
P=$top/protocol/procs.tsv S=$top/protocol/structs.tsv C=$top/cli/commands.tsv
python3 "$gen" cli "$P" "$S" "$C" > "$work/ref.c"
python3 "$gen" table "$P" "$S" > "$work/ref-table.c"

# Columns in another order: the same output.
python3 - "$P" "$work/p.tsv" "$C" "$work/c.tsv" <<'PY'
import sys
for src, dst in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    rows = [l.rstrip("\n").split("\t") if not l.startswith("#") else [l.rstrip("\n")]
            for l in open(src)]
    with open(dst, "w") as f:
        for r in rows:
            f.write("\t".join(r if len(r) == 1 else r[::-1]) + "\n")
PY
python3 "$gen" cli "$work/p.tsv" "$S" "$work/c.tsv" | cmp -s - "$work/ref.c" || fail "reversed columns changed the CLI table"
python3 "$gen" table "$work/p.tsv" "$S" | cmp -s - "$work/ref-table.c" || fail "reversed columns changed the procedure table"

refused () {   # expected-regex sed-expression table(P|C)
  local re=$1 expr=$2 which=$3
  sed -e "$expr" "${!which}" > "$work/bad.tsv"
  if [ "$which" = P ]; then set -- "$work/bad.tsv" "$S" "$C"; else set -- "$P" "$S" "$work/bad.tsv"; fi
  if python3 "$gen" cli "$@" > /dev/null 2> "$work/e"; then fail "accepted: $expr"; fi
  [ "$(wc -l < "$work/e")" = 1 ] && grep -Eq -- "$re" "$work/e" || fail "for $expr: $(cat "$work/e")"
}
refused "no description" 's/^\(mkdir-p\t.*\t\)Create a directory and any missing parents\.$/\1-/' C
refused "procedure mkdir_p has no row" '/^mkdir-p\t/d' C
refused "host_file must be given" 's/^\(upload\tupload\t\)0\t/\1-\t/' C
refused "host_file must be given" 's/^\(mkdir\tmkdir\t\)-\t-\t/\10\tfile\t/' C
refused "output base for a non-int reply" 's/^\(mkdir\tmkdir\t-\t-\t\)-/\1octal/' C
refused "repeated or not in dashes" 's/^\(mkdir\tmkdir\t-\t-\t-\t\)-/\1mkdir-p/' C
refused "deprecated_by 'nonesuch'" 's/^\(mkdir\tmkdir\t-\t-\t-\t-\t\)-/\1nonesuch/' C
refused "procedure 'nonesuch' unknown" 's/^\(mkdir\t\)mkdir/\1nonesuch/' C
refused "header lacks column.*description" '0,/^name\t/s/\tdescription$/\tdesc/' C
refused "hex 0x2 is not 1" 's/^1\t0x1\t/1\t0x2\t/' P
refused "unknown argument type 'strang'" 's/^\(3\t0x3\ttouch\t\)string(Pathname)/\1strang/' P
refused "cells, the header has" 's/^\(2\t0x2\tsync\t\)/\1extra\t/' P
