#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The man page man/guestdrv.1 against the binary (no appliance): every
# option that `guestdrv --help` lists, and every option of each
# subcommand (its usage line there, and its own --help where it has one),
# is the heading of an item in the matching part of the page (OPTIONS for
# guestdrv itself, the subsection "guestdrv SUB" for a subcommand); every
# GUESTDRV_* variable the sources read is an item of ENVIRONMENT; the
# page's version is the binary's; groff reports no warning.
. "$(dirname "$0")/lib.sh"
page=${GUESTDRV_MAN_PAGE:-$top/man/guestdrv.1}
command -v groff >/dev/null || skip "groff not installed (make deps)"
[ -f "$page" ] || fail "$page: missing"

warnings=$(groff -man -ww -z "$page" 2>&1) || fail "groff failed on $page: $warnings"
[ -z "$warnings" ] || fail "groff warns on $page: $warnings"

version=$("$GUESTDRV" -V)
grep -q "^\.TH GUESTDRV 1 \"[^\"]*\" \"$version\"" "$page" ||
  fail "$page: .TH does not name '$version' (guestdrv -V)"

# The options named in the headings of the items (the line after .TP) of
# the part of the page titled $1 (.SH or .SS title, quotes removed).
page_items () {
  awk -v want="$1" '
    /^\.S[HS] / { t = $0; sub(/^\.S[HS] +/, "", t); gsub(/"|\\/, "", t); part = t; next }
    /^\.TP/ { item = 1; next }
    item { item = 0; if (part == want) print }
  ' "$page" | sed 's/\\-/-/g; s/\\f[BIRP]//g; s/"/ /g' |
    grep -oE -- '(^| )--?[A-Za-z][A-Za-z0-9-]*' | tr -d ' ' | sort -u
}

# The options of an option table: each line that starts with spaces and a
# dash; its first word, and the next ones while a word ends with ','.
help_items () {
  awk '/^ +-/ { for (i = 1; i <= NF; i++) { w = $i; more = sub(/,$/, "", w);
                  sub(/=.*/, "", w); print w; if (!more) break } }'
}

# The options in a usage line, after the program (and subcommand) name.
usage_items () {
  grep -oE -- '(^| |\[)--?[A-Za-z][A-Za-z0-9-]*' | tr -d ' [' || true
}

# check PART OPTIONS...: each option is an item of PART.
checked=0
check () {
  local part=$1 have o; shift
  have=$(page_items "$part")
  [ -n "$have" ] || fail "$page: no part \"$part\" with items"
  for o in "$@"; do
    grep -qxF -- "$o" <<<"$have" ||
      fail "$page: \"$part\" has no item for $o (guestdrv --help lists it)"
    checked=$((checked + 1))
  done
}

help=$("$GUESTDRV" --help)
main_opts=$(sed -n '/^Options:/,/^$/p' <<<"$help" | help_items | sort -u)
[ "$(wc -l <<<"$main_opts")" -ge 20 ] || fail "guestdrv --help: too few options found: $main_opts"
# Usage lines: "  PROG [OPTIONS] ..." for guestdrv itself, "  PROG SUB ..."
# for each subcommand.
subs=()
while read -r _ sub rest; do
  case $sub in
    -*|\[*) main_opts+=$'\n'$(usage_items <<<"$sub $rest") ;;
    *) subs+=("$sub")
       sub_opts=$(usage_items <<<"$rest")
       if sub_help=$("$GUESTDRV" "$sub" --help 2>/dev/null); then
         sub_opts+=$'\n'$(help_items <<<"$sub_help")
         sub_opts+=$'\n'$(grep -E '^ *(Usage:|\[)' <<<"$sub_help" | usage_items)
       fi
       # shellcheck disable=SC2046
       check "guestdrv $sub" $(grep -v '^$' <<<"$sub_opts" | sort -u) ;;
  esac
done < <(sed -n '/^Usage:/,/^$/p' <<<"$help" | sed '1d; /^$/d')
[ ${#subs[@]} -ge 4 ] || fail "guestdrv --help: expected the subcommands' usage lines, found: ${subs[*]}"
# shellcheck disable=SC2046
check OPTIONS $(grep -v '^$' <<<"$main_opts" | sort -u)

# The environment: getenv ("GUESTDRV_...") outside the tests.
vars=$(cd "$top" && grep -rhoE --include='*.c' --exclude-dir=tests --exclude-dir=fuzz \
         'getenv \("GUESTDRV_[A-Z0-9_]+"' . | sed 's/.*"\(.*\)"/\1/' | sort -u)
[ "$(wc -l <<<"$vars")" -ge 5 ] || fail "too few GUESTDRV_ variables found in the sources: $vars"
have=$(awk '/^\.SH / { part = $2 } /^\.TP/ { item = 1; next }
            item { item = 0; if (part == "ENVIRONMENT") print }' "$page" |
       sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -oE 'GUESTDRV_[A-Z0-9_]+' | sort -u)
for v in $vars; do
  grep -qxF "$v" <<<"$have" || fail "$page: ENVIRONMENT has no item for $v (read by the sources)"
  checked=$((checked + 1))
done
echo "man page: $checked options and variables checked (guestdrv and ${subs[*]}), groff clean"
