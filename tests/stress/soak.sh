#!/usr/bin/env bash
# Soak and concurrency, on BACKEND (uml or tcg):
#   soak.sh calls BACKEND N      one session making N calls (mixed small
#                                calls; every 100th an upload and a
#                                download of 1 MiB): guestdrv's RSS and
#                                open fds sampled each 0.5 s, slopes
#                                fitted after the first 25 % (warm-up);
#                                the files come back identical.
#   soak.sh trace BACKEND N      the same, traced (--trace-layers all):
#                                the recorder's caps hold and guestdrv's
#                                RSS stays within what the kept events
#                                cost (trace_check below).
#   soak.sh launches BACKEND N   N sequential launches: after each, no
#                                process, run dir, socket or appliance
#                                lock of the run left, and the fds of a
#                                long-lived parent (this shell) unchanged.
#   soak.sh parallel BACKEND P R P appliances at once, R rounds: each
#                                writes its own data to its own image,
#                                the host checks every image (debugfs);
#                                the launch timeout is 120 s per guest
#                                per core, and the runs' wall times are
#                                reported (min, median, max).
# Prints progress, then "RESULT case runs failures what" lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
G=${GUESTDRV:-$top/guestdrv}
mode=${1:?usage: soak.sh calls|trace|launches|parallel BACKEND N [R]}
backend=${2:?backend}
n=${3:?count}
w=$(mktemp -d /tmp/guestdrv-soak.XXXXXX)
export TMPDIR=$w/tmp
mkdir -p "$TMPDIR"
trap 'pkill -9 -f "$TMPDIR" 2>/dev/null; rm -rf "$w"' EXIT

mkimg () {
  truncate -s 128M "$1"
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$1"
}

# Run dirs, processes and appliance locks of this TMPDIR: "" if none.
leaks () {
  local left=
  [ -z "$(ls -A "$TMPDIR")" ] || left="run dirs: $(ls -A "$TMPDIR" | head -3 | tr '\n' ' ')"
  pgrep -f "$TMPDIR" >/dev/null && left="$left processes: $(pgrep -af "$TMPDIR" | head -2 | cut -c1-100)"
  local pid
  for pid in $(awk '$5 > 0 {print $5}' /proc/locks); do
    { tr '\0' '\n' < "/proc/$pid/environ"; } 2>/dev/null | grep -qx "TMPDIR=$TMPDIR" &&
      left="$left lock held by $pid"
  done
  echo "$left"
}

calls () {
  local img=$w/d.img script=$w/script i t0 pid rc=0
  mkimg "$img"
  head -c $((1 << 20)) /dev/urandom > "$w/m"
  {
    echo "mount /dev/sda /"
    echo "write /small hello"
    for ((i = 1; i <= n; i++)); do
      case $((i % 100)) in
        0) echo "upload $w/m /m" ;;
        50) [ $i -gt 100 ] && echo "download /m $w/back" || echo ping-daemon ;;
        *) case $((i % 4)) in
             0) echo "ping-daemon" ;;
             1) echo "is-file /small" ;;
             2) echo "cat /small" ;;
             3) echo "write /small x$i" ;;
           esac ;;
      esac
    done
  } > "$script"
  : > "$w/samples"
  t0=$(date +%s%N)
  local topts=()
  [ "$mode" = trace ] && topts=(--trace "$w/t.json" --trace-layers all)
  "$G" "${topts[@]}" --backend "$backend" -a "$img" -f "$script" > /dev/null 2> "$w/err" &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    local rss fds
    # guestdrv's own memory: RssAnon.  VmRSS also counts the guest's RAM
    # that the vhost-user device maps shared (RssShmem): it grows as the
    # guest hands ever other pages as virtqueue buffers, up to the
    # guest's memory size (a 100,000-call soak: 302 KiB/10k of VmRSS).
    rss=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status 2>/dev/null)
    fds=$(ls /proc/$pid/fd 2>/dev/null | wc -l)
    [ -n "$rss" ] && echo "$(( ($(date +%s%N) - t0) / 1000000 )) $rss $fds" >> "$w/samples"
    sleep 0.5
  done
  wait $pid || rc=$?
  local secs=$(( ($(date +%s%N) - t0) / 1000000000 ))
  [ $secs -gt 0 ] || secs=1
  local fit
  # Least squares over the samples after the first 25 % (warm-up: the
  # allocator's arenas and the first uploads' buffers): KiB and fds per
  # 10,000 calls (time scaled by the run's mean call rate).
  fit=$(python3 - "$w/samples" "$n" <<'PY'
import sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if len(l.split()) == 3]
n = int(sys.argv[2])
if len(rows) < 6:
    print("nan nan 0 0 %d" % len(rows)); sys.exit()
T = rows[-1][0] or 1
rows = rows[len(rows) // 4:]
def slope(k):
    xs = [r[0] / T * n for r in rows]; ys = [r[k] for r in rows]
    mx = sum(xs) / len(xs); my = sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs) or 1
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx * 10000
print("%.1f %.2f %d %d %d" % (slope(1), slope(2), max(r[1] for r in rows), max(r[2] for r in rows), len(rows)))
PY
)
  read -r rs fs maxrss maxfd ns <<<"$fit"
  local why=
  [ $rc = 0 ] || why="exit $rc: $(tail -1 "$w/err")"
  cmp -s "$w/m" "$w/back" || why="$why; the downloaded 1 MiB differs"
  [ "$mode" = trace ] && { trace_check; return; }
  # Flat: under 64 KiB and 0.5 fd per 10,000 calls.
  awk -v s="$rs" 'BEGIN { exit !(s < 64) }' || why="$why; RSS grows $rs KiB/10k calls"
  # A falling count (fds of the launch closed after the warm-up) is no leak.
  awk -v s="$fs" 'BEGIN { exit !(s < 0.5) }' || why="$why; fds grow $fs/10k calls"
  [ -z "$(leaks)" ] || why="$why; left: $(leaks)"
  echo "soak $backend: $n calls in ${secs} s ($((n / secs))/s): anonymous RSS slope $rs KiB/10k calls (max $maxrss KiB), fd slope $fs/10k calls (max $maxfd), $ns samples${why:+; FAIL: $why}"
  echo "RESULT soak-calls-$backend 1 $([ -z "$why" ] && echo 0 || echo 1) RSS ${rs}KiB/10k fd ${fs}/10k over $n calls; data back intact"
}

# The traced soak (mode trace): the recorder's documented bounds
# (trace/trace.c, trace/README.md) hold over a long trace: per layer at
# most 10,000 instants and 200,000 counters kept (the rest counted in
# summary.LAYER.dropped_events), complete events (one or a few per host
# call) kept, and guestdrv's memory no more than what the kept events
# cost: 256 bytes each (the 48-byte record, up to as much again from the
# array's doubling, its name and its arguments) over the RSS after the
# launch, plus 4 MiB for the rest of the run.
trace_check () {
  local v
  v=$(python3 - "$w/t.json" "$w/samples" <<'PY'
import json, sys, collections
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
names = {e["tid"]: e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}
cnt = collections.Counter((names.get(e.get("tid"), "?"), e.get("ph")) for e in ev)
summ = d.get("otherData", {}).get("summary", {})
bad = ["%s has %d %s events (cap %d)" % (l, n, "instant" if ph == "i" else "counter", cap)
       for (l, ph), n in cnt.items()
       for cap in [{"i": 10000, "C": 200000}.get(ph)] if cap and n > cap]
dropped = sum(v.get("dropped_events", 0) for v in summ.values() if isinstance(v, dict))
rows = [tuple(map(float, l.split())) for l in open(sys.argv[2]) if len(l.split()) == 3]
# The RSS once the session is up: the first sample after 10 % of the run.
T = rows[-1][0] if rows else 0
base = next((r[1] for r in rows if r[0] >= T / 10), rows[0][1] if rows else 0)
peak = max(r[1] for r in rows) if rows else 0
kept = sum(1 for e in ev if e.get("ph") != "M")
bound = base + (kept * 256 + (4 << 20)) / 1024
if peak > bound:
    bad.append("RSS %d KiB > bound %d KiB (%d KiB + %d events x 256 B + 4 MiB)" % (peak, bound, base, kept))
print("%d|%d|%d|%d|%d|%s" % (kept, dropped, base, peak, bound, "; ".join(bad)))
PY
)
  IFS='|' read -r kept dropped base peak bound tbad <<<"$v"
  [ -n "$kept" ] || tbad="the trace could not be read"
  why="$why${tbad:+; $tbad}"
  [ -z "$(leaks)" ] || why="$why; left: $(leaks)"
  echo "soak-trace $backend: $n calls in ${secs} s: $kept events kept, $dropped dropped (caps), RSS $base KiB after launch, peak $peak KiB, bound $bound KiB${why:+; FAIL: $why}"
  echo "RESULT soak-trace-$backend 1 $([ -z "$why" ] && echo 0 || echo 1) traced ($n calls): $kept events kept, $dropped dropped at the caps, peak RSS $peak KiB <= $bound KiB (after-launch RSS + 256 B/event + 4 MiB)"
}

launches () {
  local img=$w/d.img i fails=0 why fd0 fd1 t0
  mkimg "$img"
  fd0=$(ls /proc/$$/fd | wc -l)
  t0=$(date +%s)
  for ((i = 1; i <= n; i++)); do
    why=
    "$G" --backend "$backend" -a "$img" -- ping-daemon > /dev/null 2> "$w/err" ||
      why="exit $?: $(tail -1 "$w/err")"
    [ -z "$(leaks)" ] || why="$why left: $(leaks)"
    if [ -n "$why" ]; then
      fails=$((fails + 1))
      echo "launch $backend #$i: FAIL: $why"
    fi
    if [ $((i % 25)) = 0 ] || [ $i = "$n" ]; then
      local el=$(( $(date +%s) - t0 ))
      echo "launches $backend: $i/$n, $fails failed, ${el} s, ETA $(( el * (n - i) / i )) s"
    fi
  done
  fd1=$(ls /proc/$$/fd | wc -l)
  [ "$fd0" = "$fd1" ] || { fails=$((fails + 1)); echo "launches: this shell's fds went $fd0 -> $fd1"; }
  echo "RESULT launches-$backend $n $fails exit 0, no process/run dir/lock left after each"
}

parallel () {
  local p=$n r=${4:-10} round k fails=0 runs=0 pids lt cores
  # Each boot is CPU bound (TCG emulates the guest's CPU; UML's kernel is
  # a host process): P guests on C cores each get about C/P of a core, so
  # a boot takes about P/C times as long as alone.  The default launch
  # timeout (120 s) is sized for one guest per core; scale it by the
  # guests per core, so a round measures how long the boots took instead
  # of failing at a bound meant for one guest (16 TCG guests on 2 cores
  # at load 22: 4 of 16 missed 120 s, 2026-12-07).
  cores=$(nproc)
  lt=$(( 120 * ( (p + cores - 1) / cores ) ))
  for ((k = 1; k <= p; k++)); do mkimg "$w/p$k.img"; done
  : > "$w/times"
  for ((round = 1; round <= r; round++)); do
    pids=()
    for ((k = 1; k <= p; k++)); do
      head -c $((256 << 10)) /dev/urandom > "$w/data$k"
      # The run's own wall time, from its start to its exit.
      ( t0=$(date +%s%N)
        "$G" --backend "$backend" --launch-timeout "$lt" -a "$w/p$k.img" -- \
          mount /dev/sda / : upload "$w/data$k" "/r$round" > /dev/null 2> "$w/err$k"
        rc=$?
        echo $(( ($(date +%s%N) - t0) / 1000000 )) >> "$w/times"
        exit $rc ) &
      pids+=($!)
    done
    for ((k = 1; k <= p; k++)); do
      runs=$((runs + 1))
      if ! wait "${pids[$((k - 1))]}"; then
        fails=$((fails + 1)); echo "parallel $backend round $round #$k: FAIL: $(tail -1 "$w/err$k")"; continue
      fi
      rm -f "$w/got"
      debugfs -R "dump /r$round $w/got" "$w/p$k.img" 2>/dev/null
      cmp -s "$w/got" "$w/data$k" || { fails=$((fails + 1)); echo "parallel $backend round $round #$k: FAIL: /r$round on the image differs"; }
    done
    [ -z "$(leaks)" ] || { fails=$((fails + 1)); echo "parallel round $round: left: $(leaks)"; }
    echo "parallel $backend: round $round/$r, $p appliances, $fails failed, slowest run $(sort -n "$w/times" | tail -1) ms so far (launch timeout $lt s), load $(cut -d' ' -f1 /proc/loadavg)"
  done
  local st
  st=$(sort -n "$w/times" | awk '{ a[NR] = $1 } END { printf "run wall time min %.0f s, median %.0f s, max %.0f s", a[1] / 1000, a[int((NR + 1) / 2)] / 1000, a[NR] / 1000 }')
  echo "RESULT parallel-$backend $runs $fails $p at once x $r rounds, each image's data checked with debugfs; $st (launch timeout $lt s = 120 s x guests per core)"
}

case $mode in
  calls|trace) calls ;;
  launches) launches ;;
  parallel) parallel "$@" ;;
  *) echo "soak.sh: unknown mode $mode" >&2; exit 2 ;;
esac
