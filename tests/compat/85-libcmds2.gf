# The library-side commands of lib-apps.c, lib-osinfo.c, lib-icon.c and
# lib-fileout.c.  The image holds no operating system, so inspection's
# are error cases (test-lib-inspect runs them on a Debian-like guest);
# yara-scan with rules the guest writes and the host loads back; the
# sleuthkit commands on the vfat filesystem, which no case writes to.
inspect-list-applications /dev/sda1
inspect-list-applications2 /dev/sda1
inspect-list-applications
inspect-get-osinfo /dev/sda1
inspect-get-icon /dev/sda1
inspect-get-icon /dev/sda1 favicon:nonsense
inspect-get-icon /dev/sda1 size:big
journal-get
mount /dev/sda2 /
journal-open /
journal-next
journal-get
journal-close
write /compat.yar "rule compat_hit { strings: $a = \"compat-marker\" condition: $a }\n"
download /compat.yar @WORK@/@SIDE@-compat.yar
yara-scan /four
yara-load @WORK@/@SIDE@-compat.yar
write /yara-hit "a compat-marker here\n"
yara-scan /yara-hit
yara-scan /four
yara-scan /nonexistent
yara-scan relative
yara-destroy
umount /
filesystem-walk /dev/sda3
find-inode /dev/sda3 2
find-inode /dev/sda3 nonsense
find-inode /dev/sdz9 2
filesystem-walk /dev/sdz9
filesystem-walk
