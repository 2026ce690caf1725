#!/usr/bin/env python3
"""Where does an uncovered instruction in .altinstr_replacement end up?

  alt-sites.py VMLINUX < afterburn-verify-output

For every "uncovered ... at .altinstr_replacement+0x..." line read from
standard input, finds the alternative (struct alt_instr in .altinstructions:
s32 instr_offset, s32 repl_offset, u16 cpuid, u8 instrlen, u8 replacementlen)
whose replacement holds it, and prints the CPUID feature that would patch it
in and the function it would be patched into. That is the source location
docs/linux.md lists for raw-.byte instructions the afterburner cannot see.
"""
import re, struct, sys
from collections import Counter

def sections(data):
    shoff, = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2e)
    hdrs = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize)
            for i in range(shnum)]
    strtab = hdrs[shstrndx]
    def name(off):
        s = strtab[4] + off
        return data[s:data.index(b"\0", s)].decode()
    return {name(h[0]): h for h in hdrs}, hdrs

def functions(data, secs, hdrs):
    """Sorted (address, name) of the FUNC and NOTYPE symbols."""
    sym = secs[".symtab"]
    strs = hdrs[sym[6]]
    out = []
    for off in range(sym[4], sym[4] + sym[5], 16):
        nm, value, size, info, other, shndx = struct.unpack_from("<IIIBBH", data, off)
        if nm and (info & 0xf) in (0, 2) and shndx:
            s = strs[4] + nm
            out.append((value, data[s:data.index(b"\0", s)].decode()))
    return sorted(out)

def owner(funcs, addr):
    best = None
    for value, name in funcs:
        if value > addr:
            break
        best = (value, name)
    return f"{best[1]}+0x{addr - best[0]:x}" if best else f"0x{addr:08x}"

def main():
    data = open(sys.argv[1], "rb").read()
    secs, hdrs = sections(data)
    alt = secs[".altinstructions"]
    base, off, size = alt[3], alt[4], alt[5]
    entries = []
    for i in range(0, size, 12):
        io, ro, cpuid, ilen, rlen = struct.unpack_from("<iiHBB", data, off + i)
        entries.append((base + i + 4 + ro, rlen, base + i + io, cpuid))
    funcs = functions(data, secs, hdrs)
    pat = re.compile(r"^uncovered \S+ at \.altinstr_replacement\+0x[0-9a-f]+ "
                     r"\((0x[0-9a-f]+)\): (\S+)")
    per_site = Counter()
    for line in sys.stdin:
        m = pat.match(line)
        if not m:
            continue
        addr, mnem = int(m.group(1), 16), m.group(2)
        hit = next((e for e in entries if e[0] <= addr < e[0] + e[1]), None)
        if hit is None:
            print(f"{mnem} 0x{addr:08x}: no alternative holds it")
            continue
        feat = f"{hit[3] >> 5}*32+{hit[3] & 31}"
        site = owner(funcs, hit[2])
        per_site[(mnem, feat, site.split("+")[0])] += 1
        print(f"{mnem:8} 0x{addr:08x} feature {feat:7} patched into {site}")
    print("per function:")
    for (mnem, feat, fn), n in sorted(per_site.items(), key=lambda kv: (kv[0][2], kv[0][0])):
        print(f"  {fn:40} {mnem:6} x{n} (feature {feat})")

if __name__ == "__main__":
    main()
