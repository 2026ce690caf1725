#!/usr/bin/env python3
"""Check that every place that names a hypercall agrees with the one table.

The table is include/hypercall_table.h (HC_CALLS and HC_ERRORS rows). The
compiler already ties the hypervisor and the IPVMM to it (each HC_CALL row
needs decode_NAME and invoke_NAME; the IPVMM's hcall_NAME wrappers are
generated). This script checks what the compiler cannot see:

  docs    docs/hypercalls.md's "Calls" table has exactly the table's rows
          (number, name), each naming exactly the argument registers of its
          row, reserved rows (and only they) saying HC_ENOSYS; its "Errors"
          table has exactly the HC_ERRORS rows, meaning included
  kernel  kernel/hypercall.c defines decode_NAME and invoke_NAME for every
          HC_CALL row and for nothing else
  ipvmm   the IPVMM calls the hypervisor only through the generated
          wrappers: no int $0x82 or hcall_raw_ outside ipvmm/hcall.h, every
          hcall_NAME an HC_CALL row, every HC_* name one the ABI defines

Usage: check-hypercalls.py [--table F] [--doc F] [--kernel F] [--ipvmm DIR]
Exit status 0 when all agree, 1 with one line per disagreement.
"""
import argparse
import os
import re
import sys

REGS = ["EBX", "ECX", "EDX", "ESI", "EDI"]
# Names hypercall.h and ipvmm/hcall.h define besides the rows.
ABI_CONSTANTS = {"HC_VECTOR", "HC_ABI_VERSION", "HC_ABI_MAJOR", "HC_CONSOLE_MAX", "HC_NR_CALLS"}


def rows(text, macro):
    """The X(...) rows of `#define macro(X) ...`, as argument lists."""
    text = text.replace("\\\n", " ")
    m = re.search(r"#define\s+%s\(X\)(.*)" % macro, text)
    if not m:
        return None
    body, out, i = m.group(1), [], 0
    while True:
        i = body.find("X(", i)
        if i < 0:
            return out
        depth, j, args, cur = 0, i + 2, [], ""
        while True:
            c = body[j]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            if c == "," and depth == 0:
                args.append(cur.strip())
                cur = ""
            else:
                cur += c
            j += 1
        args.append(cur.strip())
        out.append(args)
        i = j


def parse_table(path, errs):
    text = open(path).read()
    calls, errors = [], []
    for r in rows(text, "HC_CALLS") or []:
        if len(r) != 9:
            errs.append("%s: row %r: want 9 fields (number, NAME, name, kind, 5 arguments)" % (path, r))
            continue
        nr, name, lower, kind, args = r[0], r[1], r[2], r[3], r[4:]
        regs, seen_none = [], False
        for k, a in enumerate(args):
            if a == "HC_NOARG":
                seen_none = True
            elif re.fullmatch(r"HC_ARG\(\s*\w[\w ]*\s*,\s*\w+\s*\)", a):
                if seen_none:
                    errs.append("%s: HC_%s: argument %d after an unused one" % (path, name, k + 1))
                regs.append(REGS[k])
            else:
                errs.append("%s: HC_%s: argument %d is neither HC_ARG(type, field) nor HC_NOARG: %s"
                            % (path, name, k + 1, a))
        if kind not in ("HC_CALL", "HC_RESERVED"):
            errs.append("%s: HC_%s: kind %s is not HC_CALL or HC_RESERVED" % (path, name, kind))
        calls.append({"nr": int(nr), "name": "HC_" + name, "lower": lower, "kind": kind, "regs": regs})
    for r in rows(text, "HC_ERRORS") or []:
        if len(r) != 3:
            errs.append("%s: error row %r: want 3 fields" % (path, r))
            continue
        errors.append({"code": int(r[0]), "name": "HC_" + r[1], "meaning": r[2].strip('"')})
    if not calls:
        errs.append("%s: no HC_CALLS rows" % path)
    for k, c in enumerate(calls):
        if c["nr"] != k:
            errs.append("%s: %s has number %d in row %d (rows are dense, in order)" % (path, c["name"], c["nr"], k))
    names = [c["name"] for c in calls]
    for n in set(names):
        if names.count(n) > 1:
            errs.append("%s: %s defined twice" % (path, n))
    return calls, errors


def doc_table(text, heading):
    """Rows (lists of cells) of the first table after `## heading`."""
    m = re.search(r"^## %s\s*$(.*?)(?=^## |\Z)" % re.escape(heading), text, re.M | re.S)
    if not m:
        return None
    out = []
    for line in m.group(1).splitlines():
        if not line.startswith("|"):
            if out:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and not set(cells[0]) <= set("-: "):
            out.append(cells)
    return out[1:]   # the header row


def check_doc(path, calls, errors, errs):
    text = open(path).read()
    table = doc_table(text, "Calls")
    if table is None:
        errs.append("%s: no \"## Calls\" table" % path)
        return
    documented = {}
    for cells in table:
        m = re.fullmatch(r"`(HC_\w+)`", cells[1]) if len(cells) >= 4 else None
        if not m or not cells[0].isdigit():
            errs.append("%s: Calls row not `| number | `HC_NAME` | arguments | effect |`: %s"
                        % (path, " | ".join(cells)))
            continue
        documented[m.group(1)] = (int(cells[0]), cells[2], cells[3])
    for c in calls:
        d = documented.pop(c["name"], None)
        if d is None:
            errs.append("%s: %s (%d) is in the table, not in docs" % (path, c["name"], c["nr"]))
            continue
        nr, args, effect = d
        if nr != c["nr"]:
            errs.append("%s: %s is number %d in the table, %d in docs" % (path, c["name"], c["nr"], nr))
        regs = [r for r in REGS if re.search(r"`%s`" % r, args)]
        if regs != c["regs"]:
            errs.append("%s: %s takes %s in the table, docs name %s"
                        % (path, c["name"], c["regs"] or "nothing", regs or "nothing"))
        if (c["kind"] == "HC_RESERVED") != ("`HC_ENOSYS`)" in effect):
            errs.append("%s: %s is %s in the table; docs must say (`HC_ENOSYS`) exactly for reserved calls"
                        % (path, c["name"], c["kind"]))
    for name, d in documented.items():
        errs.append("%s: %s (%d) is in docs, not in the table" % (path, name, d[0]))
    table = doc_table(text, "Errors")
    if table is None:
        errs.append("%s: no \"## Errors\" table" % path)
        return
    doc_errors = [(int(c[0]), c[1].strip("`"), c[2]) for c in table if len(c) >= 3]
    want = [(e["code"], e["name"], e["meaning"]) for e in errors]
    for e in want:
        if e not in doc_errors:
            errs.append("%s: error %s %d (%s) is in the table, not in docs as such" % (path, e[1], e[0], e[2]))
    for e in doc_errors:
        if e not in want:
            errs.append("%s: error %s %d (%s) is in docs, not in the table" % (path, e[1], e[0], e[2]))


def check_kernel(path, calls, errs):
    text = open(path).read()
    want = {c["lower"] for c in calls if c["kind"] == "HC_CALL"}
    for step in ("decode", "invoke"):
        have = set(re.findall(r"^static \w+ %s_(\w+)\(" % step, text, re.M))
        for n in sorted(want - have):
            errs.append("%s: no %s_%s for its HC_CALL row" % (path, step, n))
        for n in sorted(have - want):
            errs.append("%s: %s_%s has no HC_CALL row in the table" % (path, step, n))


def check_ipvmm(top, calls, errors, errs):
    calls_ok = {c["lower"] for c in calls if c["kind"] == "HC_CALL"}
    known = ABI_CONSTANTS | {c["name"] for c in calls} | {e["name"] for e in errors}
    for dirpath, _, files in os.walk(top):
        for f in sorted(files):
            if not f.endswith((".c", ".h", ".asm", ".S")):
                continue
            p = os.path.join(dirpath, f)
            text = open(p).read()
            if os.path.relpath(p, top) == "hcall.h":
                continue          # the generator itself
            code = re.sub(r"/\*.*?\*/|//[^\n]*|;[^\n]*" if f.endswith(".asm") else r"/\*.*?\*/|//[^\n]*",
                          " ", text, flags=re.S)
            if re.search(r"\bint\s+\$?0x82\b", code):
                errs.append("%s: raw int $0x82 (use the generated hcall_NAME wrappers)" % p)
            if "hcall_raw_" in code:
                errs.append("%s: hcall_raw_ outside ipvmm/hcall.h" % p)
            for n in re.findall(r"\bhcall_(\w+)\s*\(", code):
                if n != "raw_" and n not in calls_ok:
                    errs.append("%s: hcall_%s is not an HC_CALL row of the table" % (p, n))
            for n in re.findall(r"\bHC_[A-Z0-9_]+\b", code):
                if n not in known:
                    errs.append("%s: %s is not defined by the hypercall ABI" % (p, n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--table", default="include/hypercall_table.h")
    ap.add_argument("--doc", default="docs/hypercalls.md")
    ap.add_argument("--kernel", default="kernel/hypercall.c")
    ap.add_argument("--ipvmm", default="ipvmm")
    a = ap.parse_args()
    errs = []
    calls, errors = parse_table(a.table, errs)
    check_doc(a.doc, calls, errors, errs)
    check_kernel(a.kernel, calls, errs)
    check_ipvmm(a.ipvmm, calls, errors, errs)
    for e in errs:
        print("check-hypercalls: " + e)
    if errs:
        return 1
    print("check-hypercalls: %d calls (%d reserved), %d errors agree: table, docs, kernel, IPVMM"
          % (len(calls), sum(c["kind"] == "HC_RESERVED" for c in calls), len(errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
