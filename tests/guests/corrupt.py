#!/usr/bin/env python3
"""Make malformed guest modules from a good one (tests/guests.mk).

  corrupt.py truncate GOOD OUT     cut in the middle of the code segment's data
  corrupt.py outside GOOD OUT      first PT_LOAD's p_paddr moved to 0x7ff00000
  corrupt.py smallsite GOOD OUT    .afterburn record 9 shrunk to one byte (too
                                   small to rewrite); prints the site's address
"""
import struct, sys

mode, good, out = sys.argv[1:4]
data = bytearray(open(good, "rb").read())
phoff, = struct.unpack_from("<I", data, 28)
phentsize, phnum = struct.unpack_from("<HH", data, 42)
if mode == "truncate":
    for i in range(phnum):
        typ, off, _, _, filesz, _, flags = struct.unpack_from("<7I", data, phoff + i * phentsize)
        if typ == 1 and filesz and flags & 1:
            data = data[: off + filesz // 2]
            break
    else:
        sys.exit("corrupt.py: no PT_LOAD with data")
elif mode == "outside":
    for i in range(phnum):
        off = phoff + i * phentsize
        if struct.unpack_from("<I", data, off)[0] == 1:        # PT_LOAD
            struct.pack_into("<I", data, off + 12, 0x7FF00000)  # p_paddr
            break
    else:
        sys.exit("corrupt.py: no PT_LOAD")
elif mode == "smallsite":
    shoff, = struct.unpack_from("<I", data, 32)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 46)
    def sh(i):
        return struct.unpack_from("<10I", data, shoff + i * shentsize)
    stroff = sh(shstrndx)[4]
    for i in range(shnum):
        name, _, _, _, off, size = sh(i)[:6]
        if data[stroff + name:].split(b"\0")[0] == b".afterburn":
            break
    else:
        sys.exit("corrupt.py: no .afterburn section")
    if size < 10 * 8:
        sys.exit("corrupt.py: fewer than 10 afterburn records")
    start, end = struct.unpack_from("<II", data, off + 9 * 8)
    if end - start < 2:
        sys.exit("corrupt.py: record 9 is already one byte")
    struct.pack_into("<I", data, off + 9 * 8 + 4, start + 1)
    print("%08x" % start)
else:
    sys.exit("corrupt.py: mode is truncate, outside or smallsite")
open(out, "wb").write(data)
