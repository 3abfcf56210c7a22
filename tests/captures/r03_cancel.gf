# r03: the daemon cancels an upload (ENOENT: no such directory); the host
# cancels an upload (its source cannot be read) and a download (its sink
# is full); the session stays in sync (ping-daemon answers).
run
mount /dev/sda1 /
-upload @IN@/data65536.bin /nodir/x
-upload @IN@ /y
-download /up /dev/full
ping-daemon
