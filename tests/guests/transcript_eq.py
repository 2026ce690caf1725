#!/usr/bin/env python3
"""A guest's transcript under the hypervisor against the one it must print.

  transcript_eq.py NAME HV_LOG EXPECTED

The guest's lines in HV_LOG are those prefixed "[NAME] " (the console
multiplexer's tag). Stripped of the prefix, from the first line of EXPECTED
on (GRUB's noise before it dropped), they must equal EXPECTED line for
line: none missing, none added, none different. A hypervisor panic fails.
"""
import sys

name, hv_log, expected_path = sys.argv[1:4]
tag = "[%s] " % name


def lines(path):
    with open(path, errors="replace") as f:
        return [l.rstrip("\r\n") for l in f]


hv = lines(hv_log)
want = lines(expected_path)
got = [l[len(tag):] for l in hv if l.startswith(tag)]
starts = [i for i, l in enumerate(got) if want and l.endswith(want[0])]
got = got[starts[0]:] if starts else got
if got and want:
    got[0] = want[0] if got[0].endswith(want[0]) else got[0]
bad = [l for l in hv if "PANIC" in l]
for i in range(max(len(got), len(want))):
    g = got[i] if i < len(got) else None
    w = want[i] if i < len(want) else None
    if g != w:
        bad.append("line %d: guest %r, expected %r" % (i + 1, g, w))
        break
if bad:
    print("transcript_eq.py: %s in %s against %s:" % (name, hv_log, expected_path))
    for b in bad:
        print("  " + b)
    sys.exit(1)
print("transcript_eq.py: %s: %d lines equal %s" % (name, len(got), expected_path))
