CLI_SRCS += cli/main.c
CLI_SRCS += cli/script.c
CLI_SRCS += cli/commands.c
