#!/usr/bin/env bash
# Soak and concurrency, on BACKEND (uml or tcg):
#   soak.sh calls BACKEND N      one session making N calls (mixed small
#                                calls; every 100th an upload and a
#                                download of 1 MiB): guestdrv's RSS and
#                                open fds sampled each 0.5 s, slopes
#                                fitted after the first 25 % (warm-up);
#                                the files come back identical.
#   soak.sh launches BACKEND N   N sequential launches: after each, no
#                                process, run dir, socket or appliance
#                                lock of the run left, and the fds of a
#                                long-lived parent (this shell) unchanged.
#   soak.sh parallel BACKEND P R P appliances at once, R rounds: each
#                                writes its own data to its own image,
#                                the host checks every image (debugfs).
# Prints progress, then "RESULT case runs failures what" lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
G=${GUESTDRV:-$top/guestdrv}
mode=${1:?usage: soak.sh calls|launches|parallel BACKEND N [R]}
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
  "$G" --backend "$backend" -a "$img" -f "$script" > /dev/null 2> "$w/err" &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    local rss fds
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null)
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
  # Flat: under 64 KiB and 0.5 fd per 10,000 calls.
  awk -v s="$rs" 'BEGIN { exit !(s < 64) }' || why="$why; RSS grows $rs KiB/10k calls"
  # A falling count (fds of the launch closed after the warm-up) is no leak.
  awk -v s="$fs" 'BEGIN { exit !(s < 0.5) }' || why="$why; fds grow $fs/10k calls"
  [ -z "$(leaks)" ] || why="$why; left: $(leaks)"
  echo "soak $backend: $n calls in ${secs} s ($((n / secs))/s): RSS slope $rs KiB/10k calls (max $maxrss KiB), fd slope $fs/10k calls (max $maxfd), $ns samples${why:+; FAIL: $why}"
  echo "RESULT soak-calls-$backend 1 $([ -z "$why" ] && echo 0 || echo 1) RSS ${rs}KiB/10k fd ${fs}/10k over $n calls; data back intact"
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
  local p=$n r=${4:-10} round k fails=0 runs=0 pids
  for ((k = 1; k <= p; k++)); do mkimg "$w/p$k.img"; done
  for ((round = 1; round <= r; round++)); do
    pids=()
    for ((k = 1; k <= p; k++)); do
      head -c $((256 << 10)) /dev/urandom > "$w/data$k"
      "$G" --backend "$backend" -a "$w/p$k.img" -- mount /dev/sda / : \
        upload "$w/data$k" "/r$round" > /dev/null 2> "$w/err$k" &
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
    echo "parallel $backend: round $round/$r, $p appliances, $fails failed"
  done
  echo "RESULT parallel-$backend $runs $fails $p at once x $r rounds, each image's data checked with debugfs"
}

case $mode in
  calls) calls ;;
  launches) launches ;;
  parallel) parallel "$@" ;;
  *) echo "soak.sh: unknown mode $mode" >&2; exit 2 ;;
esac
