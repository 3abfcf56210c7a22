# SPDX-License-Identifier: GPL-2.0-or-later
CLI_SRCS += cli/main.c
CLI_SRCS += cli/script.c
CLI_SRCS += cli/commands.c
CLI_SRCS += cli/builtins.c
CLI_SRCS += cli/host-disks.c
CLI_SRCS += cli/parse.c
CLI_SRCS += cli/print.c
CLI_SRCS += cli/proc-cmd.c
CLI_SRCS += cli/cmdline.c
CLI_SRCS += cli/copy.c
CLI_SRCS += cli/glob.c
CLI_SRCS += cli/cmd-info.c
# The command table: guestfish's presentation and our descriptions
# (cli/commands.tsv), checked against the procedure table.
CLI_SRCS += cli/cmd-table.c
GEN_SRCS += cli/cmd-table.c
cli/cmd-table.c: protocol/gen-procs.py protocol/procs.tsv protocol/structs.tsv cli/commands.tsv
	$(call E,GEN,$@)python3 protocol/gen-procs.py cli protocol/procs.tsv protocol/structs.tsv cli/commands.tsv > $@.tmp && mv $@.tmp $@
