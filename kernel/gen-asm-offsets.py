#!/usr/bin/env python3
"""Turn the "->NAME value" markers of the compiled kernel/asm-offsets.c
into NASM %defines (values as unsigned 32-bit hex).

  gen-asm-offsets.py IN.s OUT.inc
"""
import re, sys

src, out = sys.argv[1:]
defs = []
for line in open(src):
    m = re.search(r'->(\w+) (-?\d+)', line)
    if m:
        defs.append((m.group(1), int(m.group(2)) & 0xFFFFFFFF))
if not defs:
    sys.exit("gen-asm-offsets: no markers found")
with open(out, "w") as f:
    f.write("; generated from kernel/asm-offsets.c; do not edit\n")
    f.write("%ifndef ASM_OFFSETS_INC\n%define ASM_OFFSETS_INC\n")
    for name, val in defs:
        f.write(f"%define {name} {val:#x}\n")
    f.write("%endif\n")
