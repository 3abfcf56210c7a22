#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks a guestdrv trace of the test-trace-*.sh workload: every layer
present with plausible values.  Usage: test-trace-check.py TRACE MIN_BYTES
EXPECT_FLUSH(yes|no|any) [STRACE_LOG IMAGE].

MIN_BYTES went host->guest by `upload` and reached the image, unless
GUESTDRV_TRACE_DOWNLOAD=1: then MIN_BYTES came guest->host (a
download-zeroes) and the image only needs some writes.  Without a QMP
(UML) set GUESTDRV_TRACE_NO_QMP=1; with the serial-line window (UML's
default) GUESTDRV_TRACE_WINDOW=1."""
import collections, json, os, re, sys

trace, min_bytes, expect_flush = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = json.load(open(trace))
s = d["otherData"]["summary"]
ev = d["traceEvents"]
problems = []

def check(cond, what):
    if not cond:
        problems.append(what)

# One track per layer, and events on each.
names = {e["args"]["name"] for e in ev if e.get("ph") == "M" and e["name"] == "thread_name"}
for layer in ["launcher", "kernel", "init", "daemon", "channel", "protocol", "disk"]:
    check(layer in names, "no track for " + layer)
    check(any(e.get("cat") == layer for e in ev), "no events on the %s track" % layer)
    check(s.get(layer), "no summary for " + layer)
check(any(e.get("ph") == "C" for e in ev), "no counter events")

L = s["launcher"]
check(0 <= L["fork_exec_ms"] < 5000, "fork+exec %r" % L["fork_exec_ms"])
check(0 < L["exec_to_first_console_ms"] < L["exec_to_launch_flag_ms"], "first console byte after the launch flag")
check(L["hv_user_s"] > 0 and L["hv_maxrss_kb"] > 10000, "hypervisor CPU/RSS missing")

# Kernel and init marks in order, on one host clock.
km = {m["name"]: m["host_ms"] for m in s["kernel"].get("marks", [])}
for k in ["kernel-start", "run-init", "root-mounted"]:
    check(k in km, "kernel mark %s missing" % k)
if len(km) >= 3:
    # With an initrd (qemu) /init runs before the root is mounted; booted
    # straight from the root (UML) the other way round.
    check(km["kernel-start"] <= min(km["run-init"], km["root-mounted"]), "kernel marks out of order: %r" % km)
    exec_at = L["exec_at_ms"]
    check(exec_at <= km["kernel-start"], "kernel started before exec (%r < %r)" % (km["kernel-start"], exec_at))
im = s["init"]["marks"]
stages = [m["stage"] for m in im]
check(stages[:1] == ["init-start"] and "daemon-exec" in stages, "init stages %r" % stages)
hosts = [m["host_ms"] for m in im]
ups = [m["guest_uptime_s"] for m in im]
check(hosts == sorted(hosts) and ups == sorted(ups), "init marks out of order")
if km.get("root-mounted") is not None and im:
    check(km["root-mounted"] <= im[0]["host_ms"] + 20, "root mounted after /init started")
D = s["daemon"]
check(0 < D["init_start_to_launch_flag_ms"] < 120000, "init start -> launch flag %r" % D.get("init_start_to_launch_flag_ms"))
check(D["launch_flag_ms"] >= hosts[-1], "launch flag before the last init mark")

down = bool(os.environ.get("GUESTDRV_TRACE_DOWNLOAD"))
disk_min = 4096 if down else min_bytes
C = s["channel"]
key, tname, proc, fkey = (("bytes_in", "transfer in", "download_offset", "file_bytes_in") if down
                          else ("bytes_out", "transfer out", "upload", "file_bytes_out"))
check(C[key] >= min_bytes, "channel %s %r < %d" % (key, C[key], min_bytes))
check(C["write_calls"] > 0 and C["read_calls"] > 0, "channel syscalls")
check(any(e.get("cat") == "channel" and e["name"] == tname and e["args"]["bytes"] >= min_bytes for e in ev),
      "no channel %s event" % tname)

if os.environ.get("GUESTDRV_TRACE_WINDOW"):
    # The UML serial line's window: the guest relay acknowledged all but
    # at most one window of the bytes sent, and the host did wait on it.
    check(C["window_acks"] * 512 >= C["bytes_out"] - 3584,
          "window acks %r for %r bytes out" % (C["window_acks"], C["bytes_out"]))
    check(C["window_waits"] > 0 and C["window_wait_ms"] > 0, "window never full")
    check(any(e.get("cat") == "channel" and e["name"] == "wait_ack" for e in ev),
          "no wait_ack slices")
else:
    check(C.get("window_acks", 0) == 0, "acks without a window")

P = s["protocol"]["procs"]
check(P[proc][fkey] >= min_bytes, "protocol %s bytes" % proc)
check(P[proc]["p50_ms"] > 0 and P[proc]["p99_ms"] >= P[proc]["p50_ms"], "p50/p99")
check(P["sync"]["calls"] >= 1, "sync not seen")
ups_ev = [e for e in ev if e.get("cat") == "protocol" and e["name"] == proc]
check(ups_ev and "serial" in ups_ev[0]["args"] and "encode_us" in ups_ev[0]["args"], "per-call protocol event")

K = s["disk"]
h = K["host"][0]
check(h["bytes_written"] >= disk_min, "host disk written %r < %d" % (h["bytes_written"], disk_min))
print("host disk: %d bytes written, %d writes, %d flushes, %d O_SYNC/O_DSYNC/O_DIRECT opens"
      % (h["bytes_written"], h["writes"], h["flushes"], h["sync_opens"]))
if expect_flush == "yes":
    check(h["flushes"] >= 1, "no host flush after sync (writeback passes flushes down)")
elif expect_flush == "no":
    check(h["flushes"] == 0, "host flushes %r with cache=unsafe" % h["flushes"])
if not os.environ.get("GUESTDRV_TRACE_NO_QMP"):
    q = [x for x in K.get("qmp", []) if x["device"] == "hd0"]
    check(q and q[0]["wr_bytes"] >= min_bytes, "qmp hd0 wr_bytes")
g = [x for x in K.get("guest", []) if x["dev"] in ("sda", "ubda")]
check(g and g[0]["wr_bytes"] >= disk_min, "guest disk written")

# The host counter against strace on the same run.
if len(sys.argv) > 4:
    log, image = sys.argv[4], sys.argv[5]
    n, by, pend = collections.Counter(), collections.Counter(), {}
    pat = re.compile(r"(\d+)\s+(\w+)\((\d+)<%s>(.*)" % re.escape(image))
    for line in open(log):
        m = pat.match(line)
        if m:
            pid, name, _, rest = m.groups()
            if rest.endswith("<unfinished ...>"):
                pend[pid] = name
                continue
            r = re.search(r"= (-?\d+)", rest)
            if not r:
                continue
            ret = int(r.group(1))
        else:
            m = re.match(r"(\d+)\s+<\.\.\. (\w+) resumed>.*= (-?\d+)", line)
            if not m or pend.get(m.group(1)) != m.group(2):
                continue
            pid, name, ret = m.group(1), m.group(2), int(m.group(3))
            del pend[pid]
        n[name] += 1
        by[name] += max(ret, 0)
    rd = ["read", "pread64", "readv", "preadv", "preadv2"]
    wr = ["write", "pwrite64", "writev", "pwritev", "pwritev2"]
    fl = ["fsync", "fdatasync", "sync_file_range"]
    got = (h["reads"], h["bytes_read"], h["writes"], h["bytes_written"], h["flushes"])
    want = (sum(n[x] for x in rd), sum(by[x] for x in rd), sum(n[x] for x in wr),
            sum(by[x] for x in wr), sum(n[x] for x in fl))
    check(got == want, "host counter %r != strace %r (reads, bytes, writes, bytes, flushes)" % (got, want))
    print("strace agrees: reads/bytes/writes/bytes/flushes", want)

if problems:
    print("FAIL:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("trace ok: %d events" % len(ev))
