# slice: check
# The handle's properties before launch: defaults, set then get, bad values.
get-autosync
set-autosync false
get-autosync
autosync true
get-direct
set-direct true
get-direct
direct false
get-network
get-pgroup
set-pgroup true
get-pgroup
pgroup false
get-recovery-proc
set-recovery-proc false
get-recovery-proc
recovery-proc true
get-selinux
set-selinux true
get-selinux
selinux false
get-trace
get-verbose
get-append
get-identifier
set-identifier drv1
get-identifier
identifier ""
get-identifier
set-memsize 700
get-memsize
memsize 1024
get-memsize
get-smp
set-smp 0
set-smp 300
smp 1
get-smp
set-tmpdir /tmp
get-tmpdir
tmpdir /tmp
set-tmpdir /nonexistent-dir
set-tmpdir /etc/passwd
set-cachedir /nonexistent-dir
set-cachedir /etc/passwd
get-tmpdir
set-backend bogus
set-attach-method bogus
get-sockdir
set-backend-settings "a b=2 c"
get-backend-settings
get-backend-setting a
get-backend-setting b
get-backend-setting nosuch
set-backend-setting b 3
get-backend-setting b
clear-backend-setting b
clear-backend-setting nosuch
get-backend-settings
set-backend-settings "force_tcg"
get-backend-settings
is-config
get-pid
remove-drive nolabel
parse-environment-list "LIBGUESTFS_DEBUG=0 LIBGUESTFS_TRACE=0"
get-verbose
get-trace
set-verbose maybe
