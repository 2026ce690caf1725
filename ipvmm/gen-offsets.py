#!/usr/bin/env python3
"""Turn the "->NAME value" markers of the compiled ipvmm/ipvmm-offsets.c
into NASM %defines for ipvmm/burn.asm (same scheme as
kernel/gen-asm-offsets.py, own guard and header).

  gen-offsets.py IN.s OUT.inc
"""
import re, sys

src, out = sys.argv[1:]
defs = []
for line in open(src):
    m = re.search(r'->(\w+) (-?\d+)', line)
    if m:
        defs.append((m.group(1), int(m.group(2)) & 0xFFFFFFFF))
if not defs:
    sys.exit("gen-offsets: no markers found")
with open(out, "w") as f:
    f.write("; generated from ipvmm/ipvmm-offsets.c; do not edit\n")
    f.write("%ifndef IPVMM_OFFSETS_INC\n%define IPVMM_OFFSETS_INC\n")
    for name, val in defs:
        f.write(f"%define {name} {val:#x}\n")
    f.write("%endif\n")
