# SPDX-License-Identifier: GPL-2.0-or-later
# The protocol layer.  guestfs_protocol.x describes the message header,
# error, progress and chunk structures; rpcgen makes their XDR code.
GEN_HDRS += protocol/guestfs_protocol.h
GEN_SRCS += protocol/guestfs_protocol_xdr.c
# gen-procs.py turns the procedure and struct tables into named numbers
# (PROC_UPLOAD, ...) and the signature table the CLI and logs use.
GEN_HDRS += protocol/proc-numbers.h
GEN_SRCS += protocol/proc-table.c

LIB_SRCS += protocol/guestfs_protocol_xdr.c
LIB_SRCS += protocol/proto-args.c
LIB_SRCS += protocol/proto-call.c
LIB_SRCS += protocol/proto-file.c
LIB_SRCS += protocol/proc-info.c
LIB_SRCS += protocol/proc-table.c
LIB_SRCS += protocol/proto-reply.c
LIB_SRCS += protocol/proto-stats.c
LIB_SRCS += protocol/proto-wire.c

RPCGEN ?= rpcgen

# rpcgen names the header it includes (and the include guard) after its
# input and output files, so run it from protocol/ with the final names.
protocol/guestfs_protocol.h: protocol/guestfs_protocol.x
	$(call E,RPCGEN,$@)rm -f $@ && cd protocol && $(RPCGEN) -h -o guestfs_protocol.h guestfs_protocol.x || { rm -f guestfs_protocol.h; exit 1; }

protocol/guestfs_protocol_xdr.c: protocol/guestfs_protocol.x
	$(call E,RPCGEN,$@)rm -f $@ && cd protocol && $(RPCGEN) -c -o guestfs_protocol_xdr.c guestfs_protocol.x || { rm -f guestfs_protocol_xdr.c; exit 1; }

# rpcgen declares a scratch variable in every function, used or not.
protocol/guestfs_protocol_xdr.o: ALL_CFLAGS += -Wno-unused-variable

PROC_TABLES := protocol/gen-procs.py protocol/procs.tsv protocol/structs.tsv

protocol/proc-numbers.h: $(PROC_TABLES)
	$(call E,GEN,$@)python3 protocol/gen-procs.py header protocol/procs.tsv protocol/structs.tsv > $@.tmp && mv $@.tmp $@

protocol/proc-table.c: $(PROC_TABLES)
	$(call E,GEN,$@)python3 protocol/gen-procs.py table protocol/procs.tsv protocol/structs.tsv > $@.tmp && mv $@.tmp $@
