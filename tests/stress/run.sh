#!/usr/bin/env bash
# make stress: the reliability campaign at full size (docs/stress.md).
#   1. crash campaign: guestdrv fsync-test --cuts, 200 cuts per UML case
#      (ubd and vhost-user) and 50 per TCG case, every cache mode;
#   2. host faults (faults.sh): 50 injections per kind per backend;
#   3. soak (soak.sh): 100,000 calls in one UML session, untraced (RSS
#      and fd slopes) and traced (the recorder's caps and memory bound), 1,000 UML and
#      200 TCG launches, 16 appliances at once x 10 rounds (UML, TCG).
# STRESS_SCALE=0.05 shrinks every count (at least 1 each).
# STRESS_SEED=S fixes the campaign's seed (printed either way);
# STRESS_FROM=I resumes its cuts at I; STRESS_OUT=DIR keeps the results
# there (default: a new dir under /tmp) and, rerun with the same
# STRESS_OUT, skips the steps that already have a result.
# STRESS_KERNELS: the campaign's --kernel list (default stock).
# Prints its plan, progress with an ETA, and one table at the end.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
G=$top/guestdrv
scale=${STRESS_SCALE:-1}
seed=${STRESS_SEED:-$(( (RANDOM << 30 | RANDOM << 15 | RANDOM) ))}
out=${STRESS_OUT:-$(mktemp -d /tmp/guestdrv-stress.XXXXXX)}
mkdir -p "$out"
[ "$(id -u)" = 0 ] || { echo "make stress: needs root (FUSE, tmpfs)" >&2; exit 77; }
[ -x "$G" ] || { echo "make stress: build first (make)" >&2; exit 1; }

sc () { awk -v n="$1" -v s="$scale" 'BEGIN { v = int(n * s + 0.5); print (v < 1 ? 1 : v) }'; }

# Steps: name, estimated seconds, units, command.  The estimates are
# from a make stress run on the shared 2-vCPU VM at load ~15 (2026-12-07):
# a campaign case boots once (UML ~10 s, TCG ~25 s) then ~0.3 s (UML) or
# ~1 s (TCG) per cut; a fault ~10 s (UML) or ~30 s (TCG); a soak call
# ~50 ms; a launch ~5 s (UML) or ~20 s (TCG); a parallel round of 16 ~60 s
# (UML) or ~300 s (TCG).  The ETA rescales them by the pace of the steps
# done.
steps=()
add () { steps+=("$1|$(awk -v e="$2" 'BEGIN { printf "%d", e }')|$3|$4"); }
cu=$(sc 200); ct=$(sc 50); nf=$(sc 50)
add campaign-uml "10 * (10 + 0.3 * $cu)" $((cu * 10)) "$G fsync-test --json --cuts $cu --seed $seed --from ${STRESS_FROM:-0} --backend uml --uml-disk ubd,vhost-user --kernel ${STRESS_KERNELS:-stock}"
add campaign-tcg "5 * (25 + 1 * $ct)" $((ct * 5)) "$G fsync-test --json --cuts $ct --seed $seed --from ${STRESS_FROM:-0} --backend tcg --kernel ${STRESS_KERNELS:-stock}"
add faults-uml "10 * 7 * $nf" $((nf * 7)) "bash $top/tests/stress/faults.sh uml $nf"
add faults-uml-vhost "10 * 8 * $nf" $((nf * 8)) "bash $top/tests/stress/faults.sh uml-vhost $nf"
add faults-tcg "30 * 7 * $nf" $((nf * 7)) "bash $top/tests/stress/faults.sh tcg $nf"
add soak-calls-uml "0.05 * $(sc 100000)" $(sc 100000) "bash $top/tests/stress/soak.sh calls uml $(sc 100000)"
add soak-trace-uml "0.05 * $(sc 100000)" $(sc 100000) "bash $top/tests/stress/soak.sh trace uml $(sc 100000)"
add launches-uml "5 * $(sc 1000)" $(sc 1000) "bash $top/tests/stress/soak.sh launches uml $(sc 1000)"
add launches-tcg "20 * $(sc 200)" $(sc 200) "bash $top/tests/stress/soak.sh launches tcg $(sc 200)"
add parallel-uml "60 * $(sc 10)" $(sc 10) "bash $top/tests/stress/soak.sh parallel uml 16 $(sc 10)"
add parallel-tcg "300 * $(sc 10)" $(sc 10) "bash $top/tests/stress/soak.sh parallel tcg 16 $(sc 10)"

est_total=0
echo "make stress: scale $scale, campaign seed $seed, results in $out"
echo "plan:"
for s in "${steps[@]}"; do
  IFS='|' read -r name e units cmd <<<"$s"
  est_total=$((est_total + e))
  printf '  %-18s %6s units  ~%5d s   %s\n' "$name" "$units" "$e" "${cmd#"$top/"}"
done
echo "  total ~$((est_total / 60)) min (resume: STRESS_OUT=$out STRESS_SEED=$seed make stress)"

t_start=$(date +%s)
done_est=0
status=0
for s in "${steps[@]}"; do
  IFS='|' read -r name e units cmd <<<"$s"
  if [ -s "$out/$name.result" ]; then
    echo "== $name: done in an earlier run (skipped)"
    done_est=$((done_est + e))
    continue
  fi
  el=$(( $(date +%s) - t_start ))
  # ETA: the estimates left, corrected by how fast the done ones went.
  eta=$(awk -v el="$el" -v d="$done_est" -v t="$est_total" 'BEGIN { r = d > 0 && el > 0 ? el / d : 1; printf "%d", (t - d) * r }')
  echo "== $name ($(date +%H:%M:%S), ${el} s elapsed, ETA ~$((eta / 60)) min)"
  t0=$(date +%s)
  $cmd > "$out/$name.log" 2> "$out/$name.err" &
  pid=$!
  # Progress: the step's own progress lines as they come.
  tail -q -n +1 --pid=$pid -f "$out/$name.log" "$out/$name.err" 2>/dev/null |
    grep --line-buffered -E "^(fault|launches|parallel|soak|soak-trace|launch) |cuts,|campaign seed" |
    sed -u 's/^/   /'
  wait $pid
  rc=$?
  dt=$(( $(date +%s) - t0 ))
  case $name in
    campaign-*)
      python3 - "$out/$name.log" "$rc" "$dt" > "$out/$name.result" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
for r in rows:
    case = "campaign %s %s %s" % (r["label"], r["cache"], r["guest_kernel"])
    kinds = ",".join("%s=%d" % kv for kv in r["violations"].items() if kv[1]) or "none"
    if r["verdict"] in ("refused", "unavailable"):
        print("%s|0|0|%s: %s" % (case, r["verdict"], r["note"][:60]))
        continue
    # A failure: the case did not run, or unsafe lost nothing (the
    # campaign would then be blind to losses).
    fail = r["verdict"] == "error" or (r["cache"] == "unsafe" and r["fsynced_bytes_lost"] == 0)
    print("%s|%d|%d|%s: %d cuts broke a promise (%s), %d fsck errors, %d fsynced bytes lost; e2fsck+debugfs per cut%s" % (
        case, r["cuts"], 1 if fail else 0, r["verdict"], r["violating_cuts"], kinds,
        r["fsck_errors"], r["fsynced_bytes_lost"], "" if r["verdict"] != "error" else ": " + r["note"][:80]))
if not rows:
    print("campaign|0|1|no result (exit %s)" % sys.argv[2])
PY
      ;;
    *)
      if [[ $name == faults-* ]]; then
        grep '^RESULT ' "$out/$name.log" | while read -r _ b k runs fails ms; do
          echo "faults $b $k|$runs|$fails|exit <= ${ms} ms after the fault (bound 2000), error names the cause, nothing left, next run ok"
        done
      else
        grep '^RESULT ' "$out/$name.log" | while read -r _ c runs fails what; do
          echo "$c|$runs|$fails|$what"
        done
      fi > "$out/$name.result"
      [ -s "$out/$name.result" ] || echo "$name|0|1|no result (exit $rc): $(tail -1 "$out/$name.err")" > "$out/$name.result"
      ;;
  esac
  awk -F'|' -v d="$dt" '{ printf "   -> %s: %s runs, %s failures (%d s)\n", $1, $2, $3, d }' "$out/$name.result"
  done_est=$((done_est + e))
done

echo
echo "make stress: scale $scale, seed $seed, $(( ($(date +%s) - t_start) / 60 )) min, $(date -u +%Y-%m-%dT%H:%MZ) on $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1) x$(nproc)"
printf '%-44s %7s %8s  %s\n' case runs failures "what was checked"
for s in "${steps[@]}"; do
  IFS='|' read -r name _ <<<"$s"
  while IFS='|' read -r c runs fails what; do
    printf '%-44s %7s %8s  %s\n' "$c" "$runs" "$fails" "$what"
    [ "$fails" = 0 ] || status=1
  done < "$out/$name.result"
done
exit $status
