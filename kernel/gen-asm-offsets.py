#!/usr/bin/env python3
"""Turn the "->NAME value" markers of a compiled offsets file (gcc -S of
kernel/asm-offsets.c or ipvmm/ipvmm-offsets.c) into NASM %defines, values
as unsigned 32-bit hex.

  gen-asm-offsets.py IN.s OUT.inc [GUARD SOURCE]

GUARD and SOURCE default to the kernel's (ASM_OFFSETS_INC,
kernel/asm-offsets.c); the IPVMM passes its own.
"""
import re, sys

if len(sys.argv) not in (3, 5):
    sys.exit(__doc__)
src, out = sys.argv[1:3]
guard, origin = sys.argv[3:5] if len(sys.argv) == 5 else ("ASM_OFFSETS_INC", "kernel/asm-offsets.c")
defs = []
for line in open(src):
    m = re.search(r'->(\w+) (-?\d+)', line)
    if m:
        defs.append((m.group(1), int(m.group(2)) & 0xFFFFFFFF))
if not defs:
    sys.exit(f"gen-asm-offsets: no markers found in {src}")
with open(out, "w") as f:
    f.write(f"; generated from {origin}; do not edit\n")
    f.write(f"%ifndef {guard}\n%define {guard}\n")
    for name, val in defs:
        f.write(f"%define {name} {val:#x}\n")
    f.write("%endif\n")
