LIB_SRCS += launcher/launcher.c
LIB_SRCS += launcher/argv.c
LIB_SRCS += launcher/kvm-probe.c
LIB_SRCS += launcher/qemu.c
LIB_SRCS += launcher/uml.c
LIB_SRCS += launcher/confine.c
LIB_SRCS += launcher/reaper.c
LIB_SRCS += launcher/kvm-verdict.c
