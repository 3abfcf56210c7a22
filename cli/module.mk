CLI_SRCS += cli/main.c
CLI_SRCS += cli/script.c
CLI_SRCS += cli/commands.c
CLI_SRCS += cli/builtins.c
CLI_SRCS += cli/host-disks.c
CLI_SRCS += cli/parse.c
CLI_SRCS += cli/print.c
CLI_SRCS += cli/proc-cmd.c
