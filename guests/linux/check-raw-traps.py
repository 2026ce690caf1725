#!/usr/bin/env python3
"""Check a hypervisor transcript's runtime-trap table of a Linux guest
against the committed, explained list (guests/linux/raw-traps.txt).

  check-raw-traps.py ALLOWED LOG GUEST

Every "raw trap: guest GUEST: OP at EIP xN" line (a kernel-mode site) and
"... OP in user mode xN" line (user mode's, per class) must match an
allowed (OP, ring) pair, ring being "kernel" for EIP >= 0xC0000000
(PAGE_OFFSET), "low" for kernel-mode code below it (the real-mode
trampoline's area), "user" for user mode; the table must be complete (no "more sites not kept").
Prints the table it checked; exits 1 naming anything new."""
import re, sys

PAGE_OFFSET = 0xC0000000

def main():
    allowed_path, log_path, guest = sys.argv[1:4]
    allowed = set()
    for line in open(allowed_path):
        line = line.split("#", 1)[0].strip()
        if line:
            op, ring = line.split()[:2]
            allowed.add((op, ring))
    log = open(log_path, errors="replace").read().splitlines()
    pat = re.compile(r"^raw trap: guest %s: (\S+) (?:at ([0-9a-f]{8})|in user mode) x([0-9]+)$"
                     % re.escape(guest))
    seen, bad = 0, []
    if not any(l.startswith(f"raw traps: guest {guest}:") for l in log):
        print(f"check-raw-traps: no trap table for guest {guest} in {log_path}")
        return 1
    for l in log:
        if l.startswith(f"raw traps: guest {guest}:") and "not kept" in l:
            bad.append(l)
        m = pat.match(l)
        if not m:
            continue
        seen += 1
        op, eip, n = m.group(1), int(m.group(2) or "0", 16), int(m.group(3))
        ring = "kernel" if m.group(2) and eip >= PAGE_OFFSET else ("user" if not m.group(2) else "low")
        ok = (op, ring) in allowed
        print(f"  {op:10s} {ring:6s} {eip:08x} x{n}{'' if ok else '   <- NOT ON THE LIST'}")
        if not ok:
            bad.append(l)
    if bad:
        print(f"check-raw-traps: {len(bad)} trap(s) not on {allowed_path}:")
        for l in bad:
            print("  " + l)
        return 1
    print(f"check-raw-traps: {seen} site(s), all on the list")
    return 0

sys.exit(main())
