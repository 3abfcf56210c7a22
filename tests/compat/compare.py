#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare guestfish's and guestdrv's runs of the compatibility script.

Each case is one command line of an area file; the runner put an
"@@ AREA:LINE" marker before each, so both outputs (stdout and stderr
merged, in order) split into the same cases.  Error lines are compared
after their prefix, and the normalisations below are applied to both
sides.  Differences are explained by tests/compat/known-differences
(a regular expression on the case's command, a tab, the cause) or left
unexplained.  Prints the report; exits 1 if any difference is unexplained
or if a case is missing from either side.
"""
import re
import sys

# Each rule: (pattern, replacement, why).  Listed in the report.
NORMALISE = [
    # guestfish: "FILE:LINE: libguestfs: error: MSG"; guestdrv: "guestdrv: error: MSG".
    (r'^(\S+:\d+: )?libguestfs: error: ', 'ERROR: ', 'error prefix (the program names differ by design)'),
    (r'^guestdrv: error: ', 'ERROR: ', 'error prefix (the program names differ by design)'),
    # libguestfs appends a fixed debugging hint to errors of host helpers (qemu-img).
    (r'^(To see full error messages you may need to enable debugging\.|Do:|  export LIBGUESTFS_DEBUG=1 LIBGUESTFS_TRACE=1|'
     r'and run the command again\.  For further information, read:|  http://libguestfs\.org/guestfs-faq\.1\.html#debugging-libguestfs|'
     r"You can also run 'libguestfs-test-tool' and post the \*complete\* output|into a bug report or message to the libguestfs mailing list\.)\n",
     '', "libguestfs's fixed debugging hint after a host helper's error"),
    # Times of files the script itself creates differ from run to run.
    (r'^(\s*(?:atime|mtime|ctime|st_[amc]time_sec|st_[amc]time_nsec)): -?\d+$', r'\1: TIME', 'times of files made during the run'),
    # Both appliances probe SCSI disks asynchronously: the image is sda or
    # sdb from one boot to the next, so st_dev (8:1 or 8:17) varies.
    (r'^(\s*(?:st_)?dev): \d+$', r'\1: DEV', "st_dev (the kernel's disk order varies per boot)"),
    # tune2fs -l prints when the filesystem was mounted and written: now.
    (r'^((?:Last mount time|Last write time|Last checked|Filesystem created): ).*$', r'\1TIME',
     'times tune2fs -l prints (mounts and writes of this run)'),
    # time's own measurement.
    (r'^elapsed time: [0-9.]+ seconds$', 'elapsed time: T seconds', "time's measured seconds"),
    # Random identifiers the commands themselves generate: an MBR's disk
    # id (part-init), LVM's PV, VG and LV ids (pvcreate, vgcreate, lvcreate).
    (r'^(Disk identifier: 0x)[0-9a-f]{8}$', r'\1RANDOM', 'random ids made by the run (MBR disk id, LVM uuids)'),
    (r'^(PART_ENTRY_UUID: )[0-9a-f]{8}(-\d\d)$', r'\1RANDOM\2', 'random ids made by the run (MBR disk id, LVM uuids)'),
    (r'\b[A-Za-z0-9]{6}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{6}\b',
     'LVM-UUID', 'random ids made by the run (MBR disk id, LVM uuids)'),
    (r'^(\s*(?:pv|vg|lv)_uuid: )[A-Za-z0-9]{32}$', r'\1LVM-UUID', 'random ids made by the run (MBR disk id, LVM uuids)'),
    (r'^(Lifetime writes: ).*$', r'\1N', 'tune2fs -l: kB written so far (journal timing)'),
    # The kernel's own disk names, printed by the tools the daemon runs
    # (parted, sfdisk, mke2fs, pvs...) and in its error messages: both
    # appliances probe SCSI disks asynchronously, and guestfish's has its
    # own root disk besides, so the same image is sda, sdb or sdc.
    (r'/dev/sd[a-z](?![a-z])', '/dev/sdX', "the kernel's disk names (asynchronous probe order)"),
    (r'^(PART_ENTRY_DISK: 8:)\d+$', r'\1N', "the kernel's disk names (asynchronous probe order)"),
    # The hypervisor's process id.
    (r'^PID \d+$', 'PID N', "the hypervisor's process id"),
    # Device-mapper's block major depends on module load order in each appliance.
    (r'^(  lv_kernel_major: )\d+$', r'\1DM-MAJOR', "device-mapper's major number (module load order)"),
]


# Per-command rules: outputs that are run-specific by nature.
CASE_NORMALISE = {
    'get-pid': (r'^\d+$', 'PID', "the hypervisor's process id"),
    'pid': (r'^\d+$', 'PID', "the hypervisor's process id"),
    # Random by design: mktemp names, an inode's generation number.
    'mktemp': (r'XXXXXX|[A-Za-z0-9]{6}$', 'RANDOM', 'random names (mktemp, mkdtemp)'),
    'mkdtemp': (r'[A-Za-z0-9]{6}$', 'RANDOM', 'random names (mktemp, mkdtemp)'),
    'get-e2generation': (r'^\d+$', 'GENERATION', "an inode's random generation number"),
    # ls -l's time column: the files were made during the run.
    'll': (r' [A-Z][a-z]{2} [ \d]\d \d\d:\d\d ', ' TIME ', "ls -l's times (files made during the run)"),
    'llz': (r' [A-Z][a-z]{2} [ \d]\d \d\d:\d\d ', ' TIME ', "ls -l's times (files made during the run)"),
}


def split_cases(text):
    """Cases by marker.  A marker may follow output that did not end in a
    newline (a buffer printed raw): that text belongs to the case before."""
    cases, cur = {}, None
    for line in text.splitlines(keepends=True):
        m = re.match(r'^(.*)@@ (\S+:\d+)\n?$', line, re.S)
        if m:
            if cur is not None:
                cases[cur] += m.group(1)
            cur = m.group(2)
            cases[cur] = ''
        elif cur is not None:
            cases[cur] += line
    return cases


def normalise(s):
    for pat, rep, _ in NORMALISE:
        s = re.sub(pat, rep, s, flags=re.M)
    return s


def name_only_difference(a, b):
    """True if the texts differ only in an error's API name spelled with
    underscores (guestfish) where guestdrv prints the command's dashes."""
    la, lb = a.splitlines(), b.splitlines()
    if len(la) != len(lb):
        return False
    for x, y in zip(la, lb):
        if x == y:
            continue
        mx = re.match(r'^ERROR: ([A-Za-z0-9_-]+): (.*)$', x)
        my = re.match(r'^ERROR: ([A-Za-z0-9_-]+): (.*)$', y)
        if not (mx and my and mx.group(2) == my.group(2) and
                mx.group(1).replace('_', '-') == my.group(1).replace('_', '-')):
            return False
    return True


def main():
    cases_path, gf_path, gd_path, known_path, listed_path = sys.argv[1:6]
    order = [tuple(l.rstrip('\n').split('\t', 1)) for l in open(cases_path)]
    gf = split_cases(normalise(open(gf_path, errors='replace').read()))
    gd = split_cases(normalise(open(gd_path, errors='replace').read()))
    known = []
    for line in open(known_path):
        if line.strip() and not line.startswith('#'):
            pat, cause = line.rstrip('\n').split('\t', 1)
            known.append((re.compile(pat), cause))
    listed = set(open(listed_path).read().split())

    identical, explained, unexplained, missing = 0, {}, [], []
    covered = set()
    for case, cmd in order:
        name = cmd.lstrip('-').split()[0] if cmd.strip() else ''
        covered.add(name.replace('_', '-'))
        if case not in gd or case not in gf:
            missing.append(case)
            continue
        if name in CASE_NORMALISE:
            pat, rep, _ = CASE_NORMALISE[name]
            gf[case] = re.sub(pat, rep, gf[case], flags=re.M)
            gd[case] = re.sub(pat, rep, gd[case], flags=re.M)
        if gf[case] == gd[case]:
            identical += 1
            continue
        cause = next((c for p, c in known if p.search(cmd)), None)
        if cause is None and name_only_difference(gf[case], gd[case]):
            cause = 'error text names the command, not the API (error-names branch)'
        if cause:
            explained.setdefault(cause, []).append(case)
        else:
            unexplained.append((case, cmd, gf[case], gd[case]))

    n = len(order)
    print('compat: %d cases, %d identical (%.1f %%), %d differing (%d explained, %d unexplained), %d missing'
          % (n, identical, 100.0 * identical / max(n, 1), n - identical - len(missing),
             sum(len(v) for v in explained.values()), len(unexplained), len(missing)))
    cov = covered & listed
    print('compat: commands covered: %d of the %d guestdrv lists (%.1f %%)'
          % (len(cov), len(listed), 100.0 * len(cov) / max(len(listed), 1)))
    print('normalisations applied to both sides:')
    for why in sorted(set(w for _, _, w in NORMALISE) | set(w for _, _, w in CASE_NORMALISE.values())):
        print('  - ' + why)
    if explained:
        print('known differences, by cause:')
        for cause, cases in sorted(explained.items(), key=lambda kv: -len(kv[1])):
            print('  %4d  %s' % (len(cases), cause))
    for case, cmd, a, b in unexplained:
        print('UNEXPLAINED %s: %s' % (case, cmd))
        for l in a.splitlines():
            print('  guestfish| ' + l)
        for l in b.splitlines():
            print('  guestdrv | ' + l)
    for case in missing:
        print('MISSING (a side stopped before it): %s' % case)
    return 1 if unexplained or missing else 0


if __name__ == '__main__':
    sys.exit(main())
