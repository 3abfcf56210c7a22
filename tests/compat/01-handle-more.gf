# More handle settings before launch: those that name the program or the
# host differ by design (known-differences); local commands.
get-program
set-program fish
get-program
program guestfish
get-attach-method
get-backend
set-backend direct
get-backend
backend direct
attach-method direct
set-attach-method direct
get-hv
get-qemu
set-hv /usr/bin/qemu-system-x86_64
hv /usr/bin/qemu-system-x86_64
set-qemu /usr/bin/qemu-system-x86_64
qemu /usr/bin/qemu-system-x86_64
get-hv
get-cachedir
get-path
set-append ""
append ""
get-append
set-trace false
trace false
verbose false
network false
set-network false
get-network
setenv COMPAT_X 1
unsetenv COMPAT_X
lcd /nonexistent-dir
lcd .
parse-environment
get-trace
