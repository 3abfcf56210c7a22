#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate guestdrv's procedure tables from three typed tables.

  gen-procs.py header PROCS STRUCTS          > protocol/proc-numbers.h
  gen-procs.py table  PROCS STRUCTS          > protocol/proc-table.c
  gen-procs.py cli    PROCS STRUCTS COMMANDS > cli/cmd-table.c

protocol/procs.tsv and protocol/structs.tsv hold what is on the wire
(guestfsd 1.48.6's procedures and structs); cli/commands.tsv holds how
guestfish presents them (argument position of the host file, output base,
aliases, deprecation, our one-line description) and the host-side
commands.  Each table starts with a header row; columns are read by name,
so a column can be added or moved without touching this script.  Lines
starting with '#' are comments.

procs.tsv columns: proc (number), hex (the same, checked), name (daemon
spelling), args (required, XDR order: "TYPE NAME; ..."), optargs
("bitN TYPE NAME; ...", appended after args), reply, transfer (FileIn,
FileOut or -), flags (comma list: progress, cancellable, internal, debug,
optgroup=G, ...), verified.

commands.tsv columns: name (guestfish spelling), proc (the daemon
procedure it runs, or - for a command done on the host), host_file (the
index of the host file among the command's words for a FileIn/FileOut
procedure, else -), output (octal or hex for an int guestfish prints in
that base, else -), aliases (comma list or -), deprecated_by (the command
to use instead, "(none)" for no replacement, - when not deprecated),
description.

Signature codes (see protocol/proc-info.h and cli/cmd-info.h):
  args/optargs: s string, G GUID string, o optional string, L string
                list, i int, I int64, b bool, B buffer, K key (a string
                read from stdin); the CLI adds F FileIn / O FileOut host
                files, which are not on the wire
  return:       n none, i int, I int64, b bool, s string, L string list,
                H hashtable, B buffer, S struct, T struct list
  struct field: s string, U uuid (32 bytes), B buffer, u uint32, i int32,
                I int64, Q uint64, c char, f float (OptPercent)
"""
import sys


def die(msg):
    sys.stderr.write("gen-procs: %s\n" % msg)
    sys.exit(1)


def read_table(path, required):
    """Rows of a TSV table as dicts keyed by the header's column names."""
    rows, header = [], None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                missing = [c for c in required if c not in header]
                if missing:
                    die("%s:%d: header lacks column(s) %s" %
                        (path, n, ", ".join(missing)))
                continue
            if len(cells) != len(header):
                die("%s:%d: %d cells, the header has %d" %
                    (path, n, len(cells), len(header)))
            row = dict(zip(header, cells))
            row["_where"] = "%s:%d" % (path, n)
            rows.append(row)
    if header is None:
        die("%s: no header row" % path)
    return rows


def arg_code(item, where):
    words = item.split()
    name = words[-1]
    t = " ".join(words[:-1])
    if t.startswith("string list"):
        return "L", name
    if t == "optional string":
        return "o", name
    if t == "string(Key)":
        return "K", name
    if t == "string(GUID)":
        return "G", name
    if t == "string" or t.startswith("string("):
        return "s", name
    table = {"int": "i", "hyper": "I", "bool": "b", "opaque<>": "B"}
    if t in table:
        return table[t], name
    die("%s: unknown argument type '%s'" % (where, t))


def ret_code(body, structs, where):
    if body == "(none)":
        return "n", -1
    w = body.split()
    if w[0] == "struct" and w[1] == "list":
        return "T", structs.index(w[2])
    if w[0] == "struct":
        return "S", structs.index(w[1])
    if w[0] == "string" and w[1] == "list":
        return ("H" if "(key,value" in body else "L"), -1
    table = {"string": "s", "int": "i", "hyper": "I", "bool": "b",
             "opaque<>": "B"}
    if w[0] in table:
        return table[w[0]], -1
    die("%s: unknown reply type '%s'" % (where, body))


FIELD = {"string": "s", "opaque[32]": "U", "opaque<>": "B",
         "unsigned int": "u", "int": "i", "hyper": "I",
         "unsigned hyper": "Q", "char(4-byte int)": "c", "float": "f"}


def read_structs(path):
    out = []
    for row in read_table(path, ["struct", "fields"]):
        codes, names = "", []
        for fl in row["fields"].split(";"):
            w = fl.split()
            t = " ".join(w[1:])
            if t not in FIELD:
                die("%s: struct %s: unknown field type '%s'" %
                    (row["_where"], row["struct"], t))
            codes += FIELD[t]
            names.append(w[0])
        out.append((row["struct"], codes, names))
    return out


def read_procs(path, structs):
    snames = [s[0] for s in structs]
    procs = []
    cols = ["proc", "hex", "name", "args", "optargs", "reply", "transfer",
            "flags"]
    for row in read_table(path, cols):
        num, name = int(row["proc"]), row["name"]
        where = "%s: %s" % (row["_where"], name)
        if int(row["hex"], 16) != num:
            die("%s: hex %s is not %d" % (where, row["hex"], num))
        args = [arg_code(a.strip(), where)
                for a in row["args"].split(";") if row["args"] != "-"]
        optargs = []
        if row["optargs"] != "-":
            for i, a in enumerate(row["optargs"].split(";")):
                w = a.split()
                if w[0] != "bit%d" % i:
                    die("%s: optional argument %d is %s" % (where, i, w[0]))
                optargs.append(arg_code(" ".join(w[1:]), where))
        ret, sidx = ret_code(row["reply"], snames, where)
        if row["transfer"] not in ("FileIn", "FileOut", "-"):
            die("%s: transfer '%s'" % (where, row["transfer"]))
        flags = row["flags"].split(",") if row["flags"] != "-" else []
        procs.append(dict(num=num, name=name, args=args, optargs=optargs,
                          ret=ret, sidx=sidx, transfer=row["transfer"],
                          flags=flags))
    return procs


def internal(p):
    # internal_exit is flagged "debug" only, but guestfish hides it too.
    return "internal" in p["flags"] or p["name"].startswith("internal_")


def read_commands(path, procs):
    """The CLI table, checked against the procedures: every procedure a
    user can call has a row, every row names a real procedure or none."""
    byname = dict((p["name"], p) for p in procs)
    cols = ["name", "proc", "host_file", "host_file_name", "output", "aliases",
            "deprecated_by", "description"]
    rows, seen, used = [], set(), set()
    for row in read_table(path, cols):
        where = "%s: %s" % (row["_where"], row["name"])
        names = [row["name"]] + (row["aliases"].split(",")
                                 if row["aliases"] != "-" else [])
        for n in names:
            if n in seen or "_" in n:
                die("%s: name '%s' repeated or not in dashes" % (where, n))
            seen.add(n)
        p = None
        if row["proc"] != "-":
            p = byname.get(row["proc"])
            if not p or row["proc"] in used:
                die("%s: procedure '%s' unknown or used twice" %
                    (where, row["proc"]))
            used.add(row["proc"])
        transfer = p["transfer"] if p else "-"
        if (row["host_file"] != "-") != (transfer != "-") or \
           (row["host_file"] != "-") != (row["host_file_name"] != "-"):
            die("%s: host_file must be given exactly for FileIn/FileOut" %
                where)
        pos = -1
        if row["host_file"] != "-":
            pos = int(row["host_file"])
            if not 0 <= pos <= len(p["args"]):
                die("%s: host_file %d out of range" % (where, pos))
        if row["output"] not in ("-", "octal", "hex"):
            die("%s: output '%s'" % (where, row["output"]))
        if row["output"] != "-" and (not p or p["ret"] != "i"):
            die("%s: output base for a non-int reply" % where)
        if not row["description"] or row["description"] == "-":
            die("%s: no description" % where)
        rows.append(dict(name=row["name"], proc=p, pos=pos,
                         pos_name=row["host_file_name"],
                         output=row["output"], aliases=names[1:],
                         deprecated_by=row["deprecated_by"],
                         desc=row["description"]))
    for p in procs:
        if not internal(p) and p["name"] not in used:
            die("%s: procedure %s has no row" % (path, p["name"]))
        if p["transfer"] != "-" and p["name"] not in used:
            die("%s: %s transfers a file: it needs a row with host_file" %
                (path, p["name"]))
    for r in rows:
        if r["deprecated_by"] not in ("-", "(none)") and \
           r["deprecated_by"] not in seen:
            die("%s: deprecated_by '%s' is no command" %
                (r["name"], r["deprecated_by"]))
    return sorted(rows, key=lambda r: r["name"])


def header(procs):
    print("/* Generated by protocol/gen-procs.py from protocol/procs.tsv: do not edit. */")
    print("#ifndef GUESTDRV_PROC_NUMBERS_H")
    print("#define GUESTDRV_PROC_NUMBERS_H")
    print()
    for p in procs:
        print("#define PROC_%s %d" % (p["name"].upper(), p["num"]))
    print()
    print("#define PROTO_NPROCS %d" % len(procs))
    print()
    print("#endif")


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def table(procs, structs):
    print("/* Generated by protocol/gen-procs.py from protocol/procs.tsv and")
    print(" * protocol/structs.tsv: do not edit. */")
    print('#include "proc-info.h"')
    print()
    print("const struct proto_struct_info proto_structs[] = {")
    for name, codes, names in structs:
        print("  { %s, %s, %s }," % (cstr(name), cstr(codes), cstr(" ".join(names))))
    print("};")
    print("const size_t proto_nstructs = %d;" % len(structs))
    print()
    print("const struct proto_proc_info proto_procs[] = {")
    for p in sorted(procs, key=lambda p: p["num"]):
        flags = []
        if internal(p):
            flags.append("PROTO_PROC_INTERNAL")
        group = ""
        for f in p["flags"]:
            if f.startswith("optgroup="):
                group = f[len("optgroup="):]
        transfer = {"FileIn": "PROTO_TRANSFER_FILEIN",
                    "FileOut": "PROTO_TRANSFER_FILEOUT"}.get(p["transfer"],
                                                          "PROTO_TRANSFER_NONE")
        print("  { %d, %s, %s, %s, %s, %s, '%s', %d, %s, %s, %s }," % (
            p["num"], cstr(p["name"]),
            cstr("".join(c for c, _ in p["args"])),
            cstr(" ".join(n for _, n in p["args"])),
            cstr("".join(c for c, _ in p["optargs"])),
            cstr(" ".join(n for _, n in p["optargs"])),
            p["ret"], p["sidx"], transfer,
            " | ".join(flags) or "0", cstr(group)))
    print("};")
    print("const size_t proto_nprocs = %d;" % len(procs))


def cli(rows):
    print("/* Generated by protocol/gen-procs.py from cli/commands.tsv and")
    print(" * protocol/procs.tsv: do not edit. */")
    print('#include "cmd-info.h"')
    print()
    print("const struct cli_cmd_info cli_cmds[] = {")
    for r in rows:
        p = r["proc"]
        print("  { %s, %d, %d, %s, %s, %s, %s, %s }," % (
            cstr(r["name"]), p["num"] if p else 0, r["pos"],
            cstr("" if r["pos_name"] == "-" else r["pos_name"]),
            {"-": "CLI_OUT_DEC", "octal": "CLI_OUT_OCTAL",
             "hex": "CLI_OUT_HEX"}[r["output"]],
            cstr(",".join(r["aliases"])),
            cstr("" if r["deprecated_by"] == "-" else r["deprecated_by"]),
            cstr(r["desc"])))
    print("};")
    print("const size_t cli_ncmds = %d;" % len(rows))


def main():
    modes = {"header": 4, "table": 4, "cli": 5}
    if len(sys.argv) < 2 or modes.get(sys.argv[1]) != len(sys.argv):
        die("usage: gen-procs.py header|table PROCS.tsv STRUCTS.tsv, "
            "or cli PROCS.tsv STRUCTS.tsv COMMANDS.tsv")
    structs = read_structs(sys.argv[3])
    procs = read_procs(sys.argv[2], structs)
    if sys.argv[1] == "header":
        header(procs)
    elif sys.argv[1] == "table":
        table(procs, structs)
    else:
        cli(read_commands(sys.argv[4], procs))


main()
