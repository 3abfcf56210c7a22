# r02: FileIn and FileOut: upload, download, tar-in, tar-out, ls0.
run
mount /dev/sda1 /
upload @IN@/data20000.bin /up
checksum md5 /up
download /up @OUT@/down
upload-offset @IN@/small.txt /up 100
mkdir /t
tar-in @IN@/small.tar /t
tar-out /t @OUT@/t.tar
find /t
download-offset /up @OUT@/part 10 20
