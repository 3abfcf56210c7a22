#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make the fuzzers' seed corpora from the recorded guestfsd sessions
(../shared/protocol/captures, GFSCAP1 format: see its README).  The seeds
are committed, so a clone fuzzes without the captures; run this again
only to refresh them:  python3 fuzz/make-seeds.py CAPTURE_DIR fuzz/seeds
"""
import hashlib
import os
import struct
import sys

PROGRAM = 0x2000F5F5
LAUNCH = b"\xf5\xf5\x5f\xf5"


def streams(path):
    data = open(path, "rb").read()
    assert data[:8] == b"GFSCAP1\n", path
    c, d, off = bytearray(), bytearray(), 8
    while off + 13 <= len(data):
        direction = data[off:off + 1]
        (n,) = struct.unpack(">I", data[off + 9:off + 13])
        chunk = data[off + 13:off + 13 + n]
        off += 13 + n
        (c if direction == b"C" else d).extend(chunk)
    return bytes(c), bytes(d)


def frames(stream):
    """Length-prefixed units of the stream (calls, replies, chunks);
    bare flag words (launch, cancel, progress) are skipped."""
    off = 0
    while off + 4 <= len(stream):
        (w,) = struct.unpack(">I", stream[off:off + 4])
        if w in (0xF5F55FF5, 0xFFFFEEEE):
            off += 4
            continue
        if w == 0xFFFF5555:
            off += 28
            continue
        if w > 4194304 or off + 4 + w > len(stream):
            return
        yield stream[off + 4:off + 4 + w]
        off += 4 + w


def write(outdir, sub, blob):
    d = os.path.join(outdir, sub)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(blob).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(blob)


def main():
    capdir, outdir = sys.argv[1], sys.argv[2]
    for fn in sorted(os.listdir(capdir)):
        if not fn.endswith(".cap"):
            continue
        c, d = streams(os.path.join(capdir, fn))
        # Reply frames up to 8 KiB: the distinct ones, at most 24 per session.
        seen = 0
        for fr in frames(d):
            if 40 <= len(fr) <= 8192 and struct.unpack(">I", fr[:4])[0] == PROGRAM:
                write(outdir, "reply", fr)
                seen += 1
                if seen == 24:
                    break
        # The stack: the session's first seven calls, then its daemon stream.
        calls = []
        for fr in frames(c):
            if len(fr) >= 40 and struct.unpack(">I", fr[:4])[0] == PROGRAM:
                proc = struct.unpack(">I", fr[8:12])[0]
                # 20000: the size of the sessions' upload source.
                calls.append(struct.pack(">HH", proc & 0xffff, 20000))
                if len(calls) == 7:
                    break
        head = bytes([0x80 | len(calls)]) + b"".join(calls)
        write(outdir, "stack", head + d[:32768])


if __name__ == "__main__":
    main()
