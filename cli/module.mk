# SPDX-License-Identifier: GPL-2.0-or-later
CLI_SRCS += cli/main.c
CLI_SRCS += cli/script.c
CLI_SRCS += cli/commands.c
CLI_SRCS += cli/builtins.c
CLI_SRCS += cli/host-disks.c
CLI_SRCS += cli/parse.c
CLI_SRCS += cli/print.c
CLI_SRCS += cli/proc-cmd.c
CLI_SRCS += cli/proc-args.c
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
CLI_SRCS += cli/lib-table.c
CLI_SRCS += cli/lib-util.c
CLI_SRCS += cli/lib-stat.c
CLI_SRCS += cli/lib-device.c
CLI_SRCS += cli/lib-disk.c
CLI_SRCS += cli/lib-handle.c
CLI_SRCS += cli/lib-local.c
CLI_SRCS += cli/lib-inspect.c
CLI_SRCS += cli/lib-fileout.c
CLI_SRCS += cli/lib-apps.c
CLI_SRCS += cli/lib-osinfo.c
CLI_SRCS += cli/lib-icon.c
